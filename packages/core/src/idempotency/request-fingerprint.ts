import { createHash } from 'node:crypto';

/** What identifies "the same request" for an Idempotency-Key. */
export interface IdempotentRequest {
  readonly method: string;
  /** The concrete path (`/model-versions/…/approve`), without the query string. */
  readonly path: string;
  readonly body: unknown;
}

// Key order must not matter: clients re-serialise bodies when they retry.
function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** SHA-256 hex over method, path and the canonical JSON body. */
export function fingerprintRequest(request: IdempotentRequest): string {
  return createHash('sha256')
    .update(`${request.method.toUpperCase()}\n${request.path}\n${canonicalJson(request.body)}`)
    .digest('hex');
}
