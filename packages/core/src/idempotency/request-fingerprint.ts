import { createHash } from 'node:crypto';
import { canonicalJson } from '../shared/canonical-json.js';

/** What identifies "the same request" for an Idempotency-Key. */
export interface IdempotentRequest {
  readonly method: string;
  /** The concrete path (`/model-versions/…/approve`), without the query string. */
  readonly path: string;
  readonly body: unknown;
}

/** SHA-256 hex over method, path and the canonical JSON body (key order must not matter: clients re-serialise bodies when they retry). */
export function fingerprintRequest(request: IdempotentRequest): string {
  return createHash('sha256')
    .update(`${request.method.toUpperCase()}\n${request.path}\n${canonicalJson(request.body)}`)
    .digest('hex');
}
