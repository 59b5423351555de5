import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a stub received, as the provider would have seen it. */
export interface RecordedRequest {
  readonly method: string;
  /** The path without the query, as sent (`/v1/fine-tunes`). */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON; for multipart bodies the fields, files as `{ filename, content }`; else the text or null. */
  readonly body: unknown;
  /** The operation it matched (`create`, `get`, `chat`, …) or null. */
  readonly operation: string | null;
}

/** A scripted failure: the next request of an operation answers `status` (after doing its work when `afterEffect`). */
export interface StubFault {
  readonly status: number;
  /** Sent as `Retry-After` (seconds). */
  readonly retryAfterSec?: number;
  /** Do what the request asks (create the job) and then answer the error: a 500 after the create. */
  readonly afterEffect?: boolean;
}

/** What a route answers. */
export interface StubReply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A running stub: its base URL (what FTM_*_BASE_URL / FTM_AZURE_OPENAI_ENDPOINT take), what it received, and how to stop it. */
export interface ListeningStub {
  readonly baseUrl: string;
  /** `http://127.0.0.1:<port>`, without the API prefix. */
  readonly origin: string;
  readonly requests: readonly RecordedRequest[];
  close(): Promise<void>;
}

/** A route of a stub: method, a path pattern (`{id}` matches one segment) and its operation name. */
export interface StubRoute {
  readonly method: string;
  readonly pattern: string;
  readonly operation: string;
}

export function matchRoute(routes: readonly StubRoute[], method: string, path: string): { route: StubRoute; params: Record<string, string> } | null {
  for (const route of routes) {
    if (route.method !== method) continue;
    const names: string[] = [];
    const source = route.pattern.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => (names.push(name), '([^/]+)'));
    const re = new RegExp(`^${source}$`);
    const m = re.exec(path);
    if (m) return { route, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)])) };
  }
  return null;
}

async function parseBody(req: IncomingMessage, raw: Buffer): Promise<unknown> {
  if (raw.length === 0) return null;
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('application/json')) {
    try {
      return JSON.parse(raw.toString('utf8'));
    } catch {
      return raw.toString('utf8');
    }
  }
  if (type.startsWith('multipart/form-data')) {
    const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': type } }).formData();
    const fields: Record<string, unknown> = {};
    for (const [name, value] of form.entries()) {
      fields[name] = typeof value === 'string' ? value : { filename: value.name, content: await value.text() };
    }
    return fields;
  }
  return raw.toString('utf8');
}

/**
 * Serves `handle` on 127.0.0.1 at an ephemeral port, recording every request. `prefix` is the API
 * root path (`/v1`) the base URL ends with; the handler sees paths without it.
 */
export async function listenStub(
  prefix: string,
  handle: (req: RecordedRequest & { readonly apiPath: string }) => Promise<StubReply> | StubReply,
  classify: (method: string, apiPath: string) => string | null,
): Promise<ListeningStub> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://stub');
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
        const apiPath = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) || '/' : url.pathname;
        const recorded: RecordedRequest = {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams.entries()),
          headers,
          body: await parseBody(req, Buffer.concat(chunks)),
          operation: classify(req.method ?? 'GET', apiPath),
        };
        requests.push(recorded);
        let reply: StubReply;
        try {
          reply = await handle({ ...recorded, apiPath });
        } catch (error) {
          reply = { status: 500, body: { error: { message: `stub error: ${(error as Error).message}`, type: 'server_error' } } };
        }
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl: origin + prefix,
    origin,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Scripted faults per operation, consumed in order. */
export class FaultScript {
  readonly #faults = new Map<string, StubFault[]>();
  /** The next request(s) of `operation` answer these faults, one each, before normal answers resume. */
  push(operation: string, ...faults: StubFault[]): void {
    this.#faults.set(operation, [...(this.#faults.get(operation) ?? []), ...faults]);
  }
  /** Drops what is left for `operation`. */
  clear(operation: string): void {
    this.#faults.delete(operation);
  }
  take(operation: string | null): StubFault | undefined {
    return operation ? this.#faults.get(operation)?.shift() : undefined;
  }
}

/** The reply of a fault, with the provider's error body. */
export function faultReply(fault: StubFault, errorBody: (status: number) => unknown): StubReply {
  return { status: fault.status, body: errorBody(fault.status), ...(fault.retryAfterSec !== undefined ? { headers: { 'retry-after': String(fault.retryAfterSec) } } : {}) };
}
