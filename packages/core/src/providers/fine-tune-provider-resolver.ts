import type { FineTuneProvider, ProviderCapabilities } from './fine-tune-provider.js';
import type { CredentialField, ProviderCredential, ProviderScope } from './provider-credentials.js';

export type { ProviderScope };

/**
 * One provider the resolver hands out: what it offers (known without a credential), the server's
 * default credential, which credential fields a tenant may store, and how to build an adapter for
 * a credential. Adding a provider is adding one of these.
 */
export interface ProviderEndpoint {
  readonly name: string;
  readonly capabilities: ProviderCapabilities;
  /** FTM_<PROVIDER>_API_KEY (and its organization/project), used when the scope stored none. */
  readonly defaultCredential: ProviderCredential | null;
  /** What `PUT /providers/{name}/credentials` takes besides `api_key`. */
  readonly credentialFields: readonly CredentialField[];
  create(credential: ProviderCredential): FineTuneProvider;
}

/** What the API shows of a registered provider. */
export interface ProviderDescription {
  readonly name: string;
  readonly simulated: boolean;
  readonly capabilities: ProviderCapabilities;
  /** Empty for providers that need no credential (simulated). */
  readonly credentialFields: readonly CredentialField[];
  readonly hasServerCredential: boolean;
}

/** Picks the provider adapter (and its credential) for a job. */
export interface FineTuneProviderResolver {
  /** `openai` when a default OpenAI key is configured, else `simulated`. */
  readonly defaultProvider: string;
  names(): readonly string[];
  /** Every registered provider, `simulated` first. */
  describe(): readonly ProviderDescription[];
  /** One registered provider; ValidationError for an unknown name. */
  describe(name: string): ProviderDescription;
  /**
   * The adapter with the scope's credential (stored for the project, else the tenant, else the
   * server's). ValidationError for an unknown name; ConflictError `provider_not_configured` when
   * there is no credential at all.
   */
  resolve(name: string, scope: ProviderScope): Promise<FineTuneProvider>;
}
