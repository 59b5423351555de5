import { z } from 'zod';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { PageParams } from '../db/pagination.js';
import type { EncryptedSecretStore, SecretInfo } from '../secrets/encrypted-secret-store.js';
import type { FineTuneProviderResolver } from './fine-tune-provider-resolver.js';

/** What the provider routes need: the database, the secret store and the registered providers. */
export interface ProviderAdminDeps {
  readonly db: Kysely<DB>;
  readonly secrets: EncryptedSecretStore;
  readonly providers: FineTuneProviderResolver;
}

/** Body of `PUT /providers/{provider}/credentials`: the key, and OpenAI's organization/project ids. */
export const SetProviderCredentialInput = z.strictObject({
  /** Null or absent: the tenant-wide credential; else that project's own. */
  project_id: z.uuid().nullable().optional(),
  api_key: z.string().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters').regex(/^\S+$/, 'must be the key alone, without spaces or "Bearer"'),
  organization: z
    .string()
    .regex(/^org-[A-Za-z0-9]+$/, 'must be an OpenAI organization id (org-…)')
    .optional(),
  project: z
    .string()
    .regex(/^proj_[A-Za-z0-9]+$/, 'must be an OpenAI project id (proj_…)')
    .optional(),
});
export type SetProviderCredentialInput = z.infer<typeof SetProviderCredentialInput>;

/** Query of `DELETE /providers/{provider}/credentials`: which scope's credential goes. */
export const DeleteProviderCredentialInput = z.strictObject({ project_id: z.uuid().optional() });
export type DeleteProviderCredentialInput = z.infer<typeof DeleteProviderCredentialInput>;

/** Query of `GET /providers/{provider}/credentials`. */
export const ListProviderCredentialsInput = PageParams.extend({ project_id: z.uuid().optional() }).strict();
export type ListProviderCredentialsInput = z.infer<typeof ListProviderCredentialsInput>;

/** A stored credential as the API shows it (the contract's `ProviderCredentialInfo`): never the key. */
export interface ProviderCredentialInfo {
  readonly id: string;
  readonly provider: string;
  /** Null for the tenant-wide credential. */
  readonly project_id: string | null;
  readonly scope: 'tenant' | 'project';
  /** The fields it holds (`api_key`, `organization`, `project`), never their values. */
  readonly fields: readonly string[];
  readonly created_by: string;
  readonly updated_by: string;
  readonly created_at: string;
  readonly updated_at: string;
}

/** Secret info → public shape. */
export function toProviderCredentialInfo(info: SecretInfo): ProviderCredentialInfo {
  return {
    id: info.id,
    provider: info.name,
    project_id: info.projectId,
    scope: info.projectId === null ? 'tenant' : 'project',
    fields: info.fields,
    created_by: info.createdBy,
    updated_by: info.updatedBy,
    created_at: info.createdAt.toISOString(),
    updated_at: info.updatedAt.toISOString(),
  };
}
