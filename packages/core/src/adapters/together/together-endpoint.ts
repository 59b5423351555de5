import type { ProviderEndpoint } from '../../providers/fine-tune-provider-resolver.js';
import type { RunnerEndpoint } from '../../runners/model-runner.js';
import { createTogetherChatRunner } from './together-chat-runner.js';
import { TogetherFineTuneProvider, togetherCapabilities, type TogetherProviderConfig } from './together-fine-tune-provider.js';

/** Together's server settings: FTM_TOGETHER_BASE_URL and the server key FTM_TOGETHER_API_KEY (optional: tenants may store their own). */
export interface TogetherEndpointConfig extends Omit<TogetherProviderConfig, 'apiKey'> {
  readonly defaultApiKey?: string | null;
}

/** Together as a fine-tuning provider of the resolver (`together`); tenants store only an `api_key`. */
export function togetherEndpoint(config: TogetherEndpointConfig): ProviderEndpoint {
  const { defaultApiKey, ...adapter } = config;
  return {
    name: 'together',
    capabilities: togetherCapabilities(),
    defaultCredential: defaultApiKey ? { apiKey: defaultApiKey } : null,
    credentialFields: ['api_key'],
    create: (credential) => new TogetherFineTuneProvider({ ...adapter, apiKey: credential.apiKey }),
  };
}

/** Together's chat completions as the `together` model runner, with the same settings and keys. */
export function togetherRunnerEndpoint(config: TogetherEndpointConfig): RunnerEndpoint {
  const { defaultApiKey, baseUrl, timeoutMs, fetch, sleep } = config;
  return {
    defaultCredential: defaultApiKey ? { apiKey: defaultApiKey } : null,
    create: (credential) =>
      createTogetherChatRunner({ apiKey: credential.apiKey, ...(baseUrl ? { baseUrl } : {}), ...(timeoutMs ? { timeoutMs } : {}), ...(fetch ? { fetch } : {}), ...(sleep ? { sleep } : {}) }),
  };
}
