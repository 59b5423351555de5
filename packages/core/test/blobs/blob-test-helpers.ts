import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';

/** Reads a stream to the end. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** Collects an async iterable (such as BlobStore.list) into an array. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Random chunks, kept so the test can compare what came back. */
export function randomChunks(totalBytes: number, chunkBytes = 1024 * 1024): Buffer[] {
  const chunks: Buffer[] = [];
  for (let left = totalBytes; left > 0; left -= chunkBytes) chunks.push(randomBytes(Math.min(chunkBytes, left)));
  return chunks;
}

/** Yields the chunks one by one, then optionally fails as a broken upload would. */
export async function* streamOf(chunks: readonly Uint8Array[], failAfter?: Error): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) {
    await Promise.resolve();
    yield chunk;
  }
  if (failAfter) throw failAfter;
}
