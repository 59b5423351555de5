import { ValidationError } from '../shared/errors.js';
import { AdapterCache, resolveCredential, type ProviderCredentialLookup } from '../providers/provider-credentials.js';
import type { ModelRunner, ModelRunnerRegistry, RunnerEndpoint } from './model-runner.js';

/** Options of {@link createModelRunnerRegistry}: providers whose runner depends on a credential. */
export interface RunnerRegistryOptions {
  /** Runners built per credential (`openai` for tenants with their own key, Azure, Together). */
  readonly endpoints?: Readonly<Record<string, RunnerEndpoint>>;
  /** Credentials tenants stored; the server's default credential is the fallback. */
  readonly credentials?: ProviderCredentialLookup | null;
}

/**
 * A registry over the configured runners. The simulated runner is always present (the offline
 * default); fixed runners serve every scope; endpoint runners use the scope's credential (project,
 * tenant, then the server's). `openai` is the default provider once it runs without a stored key.
 */
export function createModelRunnerRegistry(
  runners: { readonly simulated: ModelRunner; readonly [provider: string]: ModelRunner | undefined },
  options: RunnerRegistryOptions = {},
): ModelRunnerRegistry {
  const fixed = new Map(Object.entries(runners).filter((e): e is [string, ModelRunner] => e[1] !== undefined));
  const endpoints = new Map(Object.entries(options.endpoints ?? {}).filter(([name]) => !fixed.has(name)));
  const cache = new AdapterCache<ModelRunner>();
  const names = () => [...fixed.keys(), ...endpoints.keys()];
  return {
    defaultProvider: fixed.has('openai') || endpoints.get('openai')?.defaultCredential ? 'openai' : 'simulated',
    async resolve(provider, scope) {
      const runner = fixed.get(provider);
      if (runner) return runner;
      const endpoint = endpoints.get(provider);
      if (!endpoint) {
        throw new ValidationError(`no model runner is configured for provider ${provider}`, [{ path: 'model.provider', message: `one of ${names().join(', ')}` }]);
      }
      const { credential } = await resolveCredential(options.credentials, provider, scope, endpoint.defaultCredential);
      return cache.get(provider, credential, () => endpoint.create(credential));
    },
  };
}
