import { OpenAiFineTuneProvider, type OpenAiProviderConfig } from '../adapters/openai/openai-fine-tune-provider.js';
import { SimulatedFineTuneProvider, type SimulatedProviderOptions } from '../adapters/simulated/simulated-fine-tune-provider.js';
import { ConflictError, ValidationError } from '../shared/errors.js';
import type { FineTuneProvider } from './fine-tune-provider.js';

/** Whose credentials a provider call uses. */
export interface ProviderScope {
  readonly tenantId: string;
  readonly projectId: string | null;
}

/** Picks the provider adapter (and its credential) for a job. */
export interface FineTuneProviderResolver {
  /** `openai` when a default OpenAI key is configured, else `simulated`. */
  readonly defaultProvider: string;
  names(): readonly string[];
  /** ValidationError for an unknown name; ConflictError when the provider has no credential for this scope. */
  resolve(name: string, scope: ProviderScope): FineTuneProvider;
}

/** An OpenAI-compatible endpoint with a default key and optional per-tenant/per-project keys. */
export interface OpenAiEndpointConfig extends Omit<OpenAiProviderConfig, 'apiKey' | 'name'> {
  /** FTM_OPENAI_API_KEY, used when no scoped key matches. */
  readonly defaultApiKey?: string | null;
  /** Keys by `<tenantId>/<projectId>` or `<tenantId>`; the most specific wins. */
  readonly keys?: Readonly<Record<string, string>>;
}

/** Which providers exist. The simulated one is always there (the offline default). */
export interface ProviderResolverConfig {
  readonly openai?: OpenAiEndpointConfig | null;
  /** Azure OpenAI or another OpenAI-compatible fine-tuning endpoint, registered as `azure_openai`. */
  readonly azureOpenai?: OpenAiEndpointConfig | null;
  readonly simulated: SimulatedProviderOptions;
}

function keyFor(config: OpenAiEndpointConfig, scope: ProviderScope): string | undefined {
  return (scope.projectId ? config.keys?.[`${scope.tenantId}/${scope.projectId}`] : undefined) ?? config.keys?.[scope.tenantId] ?? config.defaultApiKey ?? undefined;
}

/** Builds the resolver from configuration; adapters are created once per credential. */
export function createProviderResolver(config: ProviderResolverConfig): FineTuneProviderResolver {
  const simulated = new SimulatedFineTuneProvider(config.simulated);
  const cache = new Map<string, FineTuneProvider>();
  const endpoints: Record<string, OpenAiEndpointConfig> = {};
  if (config.openai) endpoints.openai = config.openai;
  if (config.azureOpenai) endpoints.azure_openai = { authHeader: 'api-key', ...config.azureOpenai };
  return {
    defaultProvider: config.openai?.defaultApiKey ? 'openai' : 'simulated',
    names: () => ['simulated', ...Object.keys(endpoints)],
    resolve(name, scope) {
      if (name === 'simulated') return simulated;
      const endpoint = endpoints[name];
      if (!endpoint) {
        throw new ValidationError(`unknown or unconfigured provider ${name}`, [{ path: 'provider', message: `one of ${['simulated', ...Object.keys(endpoints)].join(', ')}` }]);
      }
      const apiKey = keyFor(endpoint, scope);
      if (!apiKey) throw new ConflictError(`provider ${name} has no API key for this tenant or project`, 'provider_not_configured');
      const cacheKey = `${name}\u0000${apiKey}`;
      let provider = cache.get(cacheKey);
      if (!provider) {
        const { defaultApiKey: _d, keys: _k, ...rest } = endpoint;
        provider = new OpenAiFineTuneProvider({ ...rest, apiKey, name });
        cache.set(cacheKey, provider);
      }
      return provider;
    },
  };
}
