import { OpenAiFineTuneProvider, openAiEndpointCapabilities, type OpenAiProviderConfig } from './openai/openai-fine-tune-provider.js';
import { SimulatedFineTuneProvider, type SimulatedProviderOptions } from './simulated/simulated-fine-tune-provider.js';
import { ValidationError } from '../shared/errors.js';
import type { FineTuneProviderResolver, ProviderDescription, ProviderEndpoint } from '../providers/fine-tune-provider-resolver.js';
import type { FineTuneProvider } from '../providers/fine-tune-provider.js';
import {
  AdapterCache,
  resolveCredential,
  type CredentialField,
  type ProviderCredential,
  type ProviderCredentialLookup,
  type ProviderScope,
  type ScopedCredential,
} from '../providers/provider-credentials.js';

/** An OpenAI-compatible endpoint: the adapter's settings, a server key, and optional per-tenant/per-project keys. */
export interface OpenAiEndpointConfig extends Omit<OpenAiProviderConfig, 'apiKey' | 'name'> {
  /** FTM_OPENAI_API_KEY (with `organization`/`project`), used when the scope has no credential. */
  readonly defaultApiKey?: string | null;
  /** Keys configured in code by `<tenantId>/<projectId>` or `<tenantId>`; stored credentials win over them. */
  readonly keys?: Readonly<Record<string, string>>;
}

/** Which providers exist. The simulated one is always there (the offline default). */
export interface ProviderResolverConfig {
  /** Registered whenever given (tenants may store their own key); the default provider when it has `defaultApiKey`. */
  readonly openai?: OpenAiEndpointConfig | null;
  /** Azure OpenAI or another OpenAI-compatible fine-tuning endpoint, registered as `azure_openai`. */
  readonly azureOpenai?: OpenAiEndpointConfig | null;
  /** Further providers (Together, or an embedder's own). */
  readonly endpoints?: readonly ProviderEndpoint[];
  /** Credentials tenants stored; without it only server and configured keys are used. */
  readonly credentials?: ProviderCredentialLookup | null;
  readonly simulated: SimulatedProviderOptions;
}

/** An OpenAI-compatible endpoint as a ProviderEndpoint; code-configured `keys` are one more lookup. */
export function openAiCompatibleEndpoint(
  name: string,
  config: OpenAiEndpointConfig,
  credentialFields: readonly CredentialField[],
): ProviderEndpoint & { readonly configuredKeys: ProviderCredentialLookup } {
  const { defaultApiKey, keys, organization, project, ...adapter } = config;
  return {
    name,
    capabilities: openAiEndpointCapabilities({ ...adapter, name }),
    defaultCredential: defaultApiKey ? { apiKey: defaultApiKey, ...(organization ? { organization } : {}), ...(project ? { project } : {}) } : null,
    credentialFields,
    create: (credential) => new OpenAiFineTuneProvider({ ...adapter, name, ...credential }),
    configuredKeys: {
      find: async (_provider, scope) => {
        const apiKey = (scope.projectId ? keys?.[`${scope.tenantId}/${scope.projectId}`] : undefined) ?? keys?.[scope.tenantId];
        return apiKey ? { credential: { apiKey }, source: scope.projectId && keys?.[`${scope.tenantId}/${scope.projectId}`] ? 'project' : 'tenant' } : null;
      },
    },
  };
}

/** Builds the resolver from configuration; adapters are created once per credential. */
export function createProviderResolver(config: ProviderResolverConfig): FineTuneProviderResolver {
  const simulated = new SimulatedFineTuneProvider(config.simulated);
  const cache = new AdapterCache<FineTuneProvider>();
  const endpoints = new Map<string, ProviderEndpoint>();
  const configuredKeys = new Map<string, ProviderCredentialLookup>();
  const openAiLike: [string, OpenAiEndpointConfig | null | undefined, readonly CredentialField[]][] = [
    ['openai', config.openai, ['api_key', 'organization', 'project']],
    // Azure has neither OpenAI's retirement nor its webhooks; it authenticates with `api-key`.
    ['azure_openai', config.azureOpenai ? { authHeader: 'api-key', capabilities: { retirement: null, webhooks: false }, ...config.azureOpenai } : null, ['api_key']],
  ];
  for (const [name, endpointConfig, fields] of openAiLike) {
    if (!endpointConfig) continue;
    const endpoint = openAiCompatibleEndpoint(name, endpointConfig, fields);
    endpoints.set(name, endpoint);
    configuredKeys.set(name, endpoint.configuredKeys);
  }
  for (const endpoint of config.endpoints ?? []) endpoints.set(endpoint.name, endpoint);

  const simulatedDescription: ProviderDescription = { name: 'simulated', simulated: true, capabilities: simulated.capabilities(), credentialFields: [], hasServerCredential: true };
  const describeOne = (name: string): ProviderDescription => {
    if (name === 'simulated') return simulatedDescription;
    const endpoint = endpoints.get(name);
    if (!endpoint) throw new ValidationError(`unknown or unconfigured provider ${name}`, [{ path: 'provider', message: `one of ${['simulated', ...endpoints.keys()].join(', ')}` }]);
    return { name, simulated: false, capabilities: endpoint.capabilities, credentialFields: endpoint.credentialFields, hasServerCredential: endpoint.defaultCredential !== null };
  };
  const credentialFor = async (endpoint: ProviderEndpoint, scope: ProviderScope): Promise<ScopedCredential> => {
    const stored = config.credentials ? await config.credentials.find(endpoint.name, scope) : null;
    return stored ?? resolveCredential(configuredKeys.get(endpoint.name), endpoint.name, scope, endpoint.defaultCredential);
  };

  function describe(): readonly ProviderDescription[];
  function describe(name: string): ProviderDescription;
  function describe(name?: string): ProviderDescription | readonly ProviderDescription[] {
    return name === undefined ? ['simulated', ...endpoints.keys()].map(describeOne) : describeOne(name);
  }

  return {
    defaultProvider: endpoints.get('openai')?.defaultCredential ? 'openai' : 'simulated',
    names: () => ['simulated', ...endpoints.keys()],
    describe,
    async resolve(name, scope) {
      if (name === 'simulated') return simulated;
      describeOne(name);
      const endpoint = endpoints.get(name)!;
      const { credential } = await credentialFor(endpoint, scope);
      return cache.get(name, credential, () => endpoint.create(credential));
    },
  };
}
