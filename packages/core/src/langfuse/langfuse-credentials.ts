import type { Kysely } from 'kysely';
import { z } from 'zod';
import { PageParams } from '../db/pagination.js';
import type { DB } from '../db/schema.js';
import type { EncryptedSecretStore, SecretInfo } from '../secrets/encrypted-secret-store.js';
import type { LangfuseConnection } from './langfuse-client.js';

/** The secret kind and name Langfuse key pairs are stored under (one per tenant and per project). */
export const LANGFUSE_SECRET = { kind: 'langfuse', name: 'default' } as const;

/** Langfuse Cloud (EU), used when a credential names no base URL. */
export const DEFAULT_LANGFUSE_BASE_URL = 'https://cloud.langfuse.com';

/** What the Langfuse credential use cases need. */
export interface LangfuseAdminDeps {
  readonly db: Kysely<DB>;
  readonly secrets: EncryptedSecretStore;
}

const key = (prefix: string) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(256, 'must be at most 256 characters')
    .regex(/^\S+$/, 'must be the key alone, without spaces')
    .refine((v) => v.startsWith(prefix), `must be a Langfuse ${prefix === 'pk-lf-' ? 'public' : 'secret'} key (${prefix}…)`);

/** Body of `PUT /integrations/langfuse/credentials`. */
export const SetLangfuseCredentialInput = z.strictObject({
  /** Null or absent: the tenant-wide key pair; else that project's own. */
  project_id: z.uuid().nullable().optional(),
  public_key: key('pk-lf-'),
  secret_key: key('sk-lf-'),
  /** Langfuse Cloud by default; a regional cloud host or a self-hosted Langfuse otherwise. */
  base_url: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
    .max(2048)
    .refine((u) => !/[?#]/.test(u) && !new URL(u).username && !new URL(u).password, 'must be a plain base URL, without credentials, query or fragment')
    // Link-local hosts are cloud metadata endpoints, never a Langfuse.
    .refine((u) => !/^(169\.254\.|\[fe80:)/i.test(new URL(u).hostname), 'must not be a link-local address')
    .optional(),
});
export type SetLangfuseCredentialInput = z.infer<typeof SetLangfuseCredentialInput>;

/** Query of `DELETE /integrations/langfuse/credentials`. */
export const DeleteLangfuseCredentialInput = z.strictObject({ project_id: z.uuid().optional() });

/** Query of `GET /integrations/langfuse/credentials`. */
export const ListLangfuseCredentialsInput = PageParams.extend({ project_id: z.uuid().optional() }).strict();

/** A stored key pair as the API shows it (the contract's `LangfuseCredentialInfo`): never the keys. */
export interface LangfuseCredentialInfo {
  readonly id: string;
  /** Null for the tenant-wide key pair. */
  readonly project_id: string | null;
  readonly scope: 'tenant' | 'project';
  /** The fields it holds (`public_key`, `secret_key`, `base_url`), never their values. */
  readonly fields: readonly string[];
  readonly created_by: string;
  readonly updated_by: string;
  readonly created_at: string;
  readonly updated_at: string;
}

export function toLangfuseCredentialInfo(info: SecretInfo): LangfuseCredentialInfo {
  return {
    id: info.id,
    project_id: info.projectId,
    scope: info.projectId === null ? 'tenant' : 'project',
    fields: info.fields,
    created_by: info.createdBy,
    updated_by: info.updatedBy,
    created_at: info.createdAt.toISOString(),
    updated_at: info.updatedAt.toISOString(),
  };
}

/** The connection for a scope: the project's key pair, else the tenant's; null when neither is stored. */
export async function findLangfuseConnection(deps: LangfuseAdminDeps, scope: { tenantId: string; projectId: string | null }): Promise<LangfuseConnection | null> {
  const found = await deps.secrets.resolve(deps.db, { tenantId: scope.tenantId, projectId: scope.projectId, ...LANGFUSE_SECRET });
  if (!found?.value.public_key || !found.value.secret_key) return null;
  return { baseUrl: found.value.base_url ?? DEFAULT_LANGFUSE_BASE_URL, publicKey: found.value.public_key, secretKey: found.value.secret_key };
}
