import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { ConflictError } from '../shared/errors.js';
import type { EncryptedSecretStore } from '../secrets/encrypted-secret-store.js';

/** Whose credentials a provider call uses: a tenant, and the project the work belongs to (if any). */
export interface ProviderScope {
  readonly tenantId: string;
  readonly projectId: string | null;
}

/** What authenticates FTM at a provider: the API key, and OpenAI's organization/project headers. */
export interface ProviderCredential {
  readonly apiKey: string;
  readonly organization?: string;
  readonly project?: string;
}

/** Fields a tenant may store beside `api_key` (OpenAI only: its organization and project ids). */
export type CredentialField = 'api_key' | 'organization' | 'project';

/** Where the credential used for a scope came from: stored for the project, for the tenant, or the server's own. */
export type CredentialSource = 'project' | 'tenant' | 'server';

/** A credential and its source. */
export interface ScopedCredential {
  readonly credential: ProviderCredential;
  readonly source: CredentialSource;
}

/** The credentials tenants stored (`PUT /providers/{name}/credentials`): the project's, else the tenant's. */
export interface ProviderCredentialLookup {
  find(provider: string, scope: ProviderScope): Promise<ScopedCredential | null>;
}

/** The secret kind provider credentials are stored under; the secret's name is the provider name. */
export const PROVIDER_CREDENTIAL_KIND = 'provider_credential';

/** The lookup over the encrypted secret store: one query (and one decryption) per call. */
export function storedProviderCredentials(db: Kysely<DB>, store: EncryptedSecretStore): ProviderCredentialLookup {
  return {
    async find(provider, scope) {
      const found = await store.resolve(db, { tenantId: scope.tenantId, projectId: scope.projectId, kind: PROVIDER_CREDENTIAL_KIND, name: provider });
      if (!found || !found.value.api_key) return null;
      const { api_key: apiKey, organization, project } = found.value;
      return { credential: { apiKey, ...(organization ? { organization } : {}), ...(project ? { project } : {}) }, source: found.source };
    },
  };
}

/**
 * The credential for `provider` in `scope`: the most specific stored one (project, then tenant),
 * else the server's default, else a ConflictError `provider_not_configured` (409) that says how to
 * configure one.
 */
export async function resolveCredential(
  lookup: ProviderCredentialLookup | null | undefined,
  provider: string,
  scope: ProviderScope,
  serverDefault: ProviderCredential | null,
): Promise<ScopedCredential> {
  const stored = lookup ? await lookup.find(provider, scope) : null;
  if (stored) return stored;
  if (serverDefault) return { credential: serverDefault, source: 'server' };
  throw new ConflictError(
    `provider ${provider} has no credential for this tenant or project: an admin can store one (PUT /providers/${provider}/credentials), or the server can set a default key`,
    'provider_not_configured',
  );
}

/**
 * Adapters built once per credential (an adapter holds its HTTP client and circuit breaker), at most
 * `max` of them; the oldest is dropped first. Keyed by a digest, so no key sits in a map key.
 */
export class AdapterCache<T> {
  readonly #entries = new Map<string, T>();
  constructor(private readonly max = 256) {}

  get(provider: string, credential: ProviderCredential, create: () => T): T {
    const key = createHash('sha256')
      .update(JSON.stringify([provider, credential.apiKey, credential.organization ?? '', credential.project ?? '']))
      .digest('base64url');
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = create();
      this.#entries.set(key, entry);
      if (this.#entries.size > this.max) this.#entries.delete(this.#entries.keys().next().value!);
    }
    return entry;
  }
}
