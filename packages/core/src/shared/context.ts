import type { Clock } from './clock.js';
import type { IdGenerator } from './ids.js';
import type { Logger } from './logger.js';

export type Role = 'admin' | 'member';

/** Who is acting: an API key, an Orchestrator-validated key, the system itself, or the CLI. */
export interface Actor {
  readonly type: 'api_key' | 'orchestrator_key' | 'system' | 'cli';
  readonly id: string;
  readonly role: Role;
}

/**
 * What every use case receives besides its input: the tenant it is scoped to, the project the
 * credential is limited to (if any), who acts, the request id, and the injectable clock and ids.
 */
export interface ServiceContext {
  readonly tenantId: string;
  readonly projectId: string | null;
  readonly actor: Actor;
  readonly requestId: string;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  /**
   * The Idempotency-Key this request holds, when it holds one: the first event its state change
   * records marks the key's record in the same transaction (see recordEvent).
   */
  readonly idempotency?: { readonly key: string; readonly requestHash: string };
}
