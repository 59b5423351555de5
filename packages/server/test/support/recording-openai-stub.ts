/**
 * A small OpenAI-compatible server for wiring tests: it records every request (method, path,
 * query, headers, body) and answers files, chat completions and embeddings with the response
 * objects of OpenAI's API reference (`file`, `chat.completion`, `list` of `embedding`). It checks
 * nothing: tests assert on what it recorded.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface RecordingOpenAiStub {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

const now = () => Math.floor(Date.now() / 1000);

function answer(path: string, body: string): { status: number; json: unknown } {
  if (path.endsWith('/files')) return { status: 200, json: { id: `file-${now()}`, object: 'file', bytes: body.length, created_at: now(), filename: 'train.jsonl', purpose: 'fine-tune' } };
  if (path.endsWith('/chat/completions')) {
    const model = (JSON.parse(body) as { model?: string }).model ?? 'unknown';
    return {
      status: 200,
      json: {
        id: 'chatcmpl-stub',
        object: 'chat.completion',
        created: now(),
        model,
        choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: '4', refusal: null } }],
        usage: { prompt_tokens: 12, completion_tokens: 1, total_tokens: 13 },
      },
    };
  }
  if (path.endsWith('/embeddings')) {
    const input = (JSON.parse(body) as { input?: string[] }).input ?? [];
    return {
      status: 200,
      json: {
        object: 'list',
        model: 'text-embedding-3-small',
        data: input.map((_, index) => ({ object: 'embedding', index, embedding: [1, index, 0.5] })),
        usage: { prompt_tokens: 1, total_tokens: 1 },
      },
    };
  }
  return { status: 404, json: { error: { message: `no stub for ${path}`, type: 'invalid_request_error', param: null, code: null } } };
}

/** Starts the stub on an ephemeral loopback port. */
export async function startRecordingOpenAiStub(): Promise<RecordingOpenAiStub> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stub');
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body });
      const { status, json } = answer(url.pathname, body);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
