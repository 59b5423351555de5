import type { Actor, Role } from '../shared/context.js';

/** Who a bearer token stands for once validated. */
export interface Principal {
  readonly tenantId: string;
  readonly projectId: string | null;
  readonly role: Role;
  readonly actor: Actor;
  /** When the credential stops working; null for keys that do not expire. */
  readonly expiresAt: Date | null;
}

/**
 * Validates a secret at its source (the local api_keys table or the Orchestrator). Returns null
 * for an unknown, revoked or expired key; throws DependencyUnavailableError when it cannot tell.
 */
export interface KeyValidator {
  validate(secret: string, keyHash: string): Promise<Principal | null>;
}
