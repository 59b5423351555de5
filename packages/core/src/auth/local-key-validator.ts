import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Clock } from '../shared/clock.js';
import { looksLikeLocalApiKey } from './api-key-secret.js';
import type { KeyValidator, Principal } from './principal.js';

/** Looks keys up by hash in `api_keys` (one indexed query; the Authenticator caches the answer). */
export class LocalKeyValidator implements KeyValidator {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
  ) {}

  async validate(secret: string, keyHash: string): Promise<Principal | null> {
    if (!looksLikeLocalApiKey(secret)) return null;
    const row = await this.db.selectFrom('api_keys').select(['id', 'tenant_id', 'project_id', 'role', 'expires_at', 'revoked_at']).where('key_hash', '=', keyHash).executeTakeFirst();
    if (!row || row.revoked_at !== null) return null;
    const expiresAt = row.expires_at === null ? null : new Date(row.expires_at);
    if (expiresAt && expiresAt.getTime() <= this.clock.now().getTime()) return null;
    return {
      tenantId: row.tenant_id,
      projectId: row.project_id,
      role: row.role,
      actor: { type: 'api_key', id: row.id, role: row.role },
      expiresAt,
    };
  }
}
