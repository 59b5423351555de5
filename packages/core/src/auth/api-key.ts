import { z } from 'zod';
import type { Selectable } from 'kysely';
import type { ApiKeysTable } from '../db/schema.js';
import { PageParams } from '../db/pagination.js';

/** An API key as listings show it: never the secret, never its hash. */
export interface ApiKey {
  readonly id: string;
  readonly tenant_id: string;
  readonly name: string;
  readonly role: 'admin' | 'member';
  readonly project_id: string | null;
  readonly prefix: string;
  readonly created_at: string;
  readonly expires_at: string | null;
  readonly revoked_at: string | null;
  readonly last_used_at: string | null;
}

/** A freshly created key: the only moment its secret is ever returned. */
export interface CreatedApiKey extends ApiKey {
  readonly secret: string;
}

/** Body of `POST /api-keys` (and `ftm keys create`). */
export const CreateApiKeyInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  role: z.enum(['admin', 'member']).default('member'),
  project_id: z.uuid().optional(),
  expires_at: z.iso.datetime({ offset: true }).optional(),
});
export type CreateApiKeyInput = z.infer<typeof CreateApiKeyInput>;

/** Query of `GET /api-keys`. */
export const ListApiKeysInput = PageParams.extend({
  project_id: z.uuid().optional(),
  // Query strings carry text; only the two literal spellings count.
  include_revoked: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .default(false),
}).strict();
export type ListApiKeysInput = z.infer<typeof ListApiKeysInput>;

const iso = (v: Date | string | null): string | null => (v === null ? null : (v instanceof Date ? v : new Date(v)).toISOString());

/** Maps a row to the public shape, dropping the hash. */
export function toApiKey(row: Selectable<ApiKeysTable>): ApiKey {
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    name: row.name,
    role: row.role,
    project_id: row.project_id,
    prefix: row.prefix,
    created_at: iso(row.created_at)!,
    expires_at: iso(row.expires_at),
    revoked_at: iso(row.revoked_at),
    last_used_at: iso(row.last_used_at),
  };
}
