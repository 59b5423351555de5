import { randomBytes } from 'node:crypto';

/** One field of a multipart/form-data body: a short text value or a streamed file. */
export type MultipartField =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly filename: string; readonly contentType: string; readonly open: () => Promise<AsyncIterable<Uint8Array> | Iterable<Uint8Array>> };

/**
 * A multipart/form-data body streamed part by part, so a training file of hundreds of megabytes
 * goes to the provider without ever being held in memory.
 */
export function multipartStream(fields: readonly MultipartField[]): { body: ReadableStream<Uint8Array>; contentType: string } {
  const boundary = `----ftm-${randomBytes(12).toString('hex')}`;
  const encoder = new TextEncoder();
  const quote = (s: string) => s.replace(/["\\\r\n]/g, '_');
  async function* generate(): AsyncGenerator<Uint8Array> {
    for (const field of fields) {
      if ('value' in field) {
        yield encoder.encode(`--${boundary}\r\nContent-Disposition: form-data; name="${quote(field.name)}"\r\n\r\n${field.value}\r\n`);
        continue;
      }
      yield encoder.encode(`--${boundary}\r\nContent-Disposition: form-data; name="${quote(field.name)}"; filename="${quote(field.filename)}"\r\n` + `Content-Type: ${field.contentType}\r\n\r\n`);
      for await (const chunk of await field.open()) yield chunk;
      yield encoder.encode('\r\n');
    }
    yield encoder.encode(`--${boundary}--\r\n`);
  }
  const iterator = generate();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await iterator.return(undefined);
    },
  });
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}
