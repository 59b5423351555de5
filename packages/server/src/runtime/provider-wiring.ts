import { togetherEndpoint, togetherRunnerEndpoint, type CreateFtmOptions, type TogetherEndpointConfig } from '@ftm/core';
import type { ProviderSettings } from '../provider-config.js';

/**
 * Fine-tuning providers from the environment. `openai` is always registered (tenants may store
 * their own key); it is the default provider only when FTM_OPENAI_API_KEY is set. Azure OpenAI is
 * registered when its endpoint is set, on the resource's data-plane path with `api-key` and
 * `api-version`. Together is always registered too (FTM_TOGETHER_BASE_URL, FTM_TOGETHER_API_KEY or a
 * tenant's stored key). The OpenAI webhook route verifies with FTM_OPENAI_WEBHOOK_SECRET.
 */
export function fineTuningProviders(p: ProviderSettings): Pick<NonNullable<CreateFtmOptions['fineTuning']>, 'openai' | 'azureOpenai' | 'endpoints' | 'webhookSecrets'> {
  return {
    endpoints: [togetherEndpoint(together(p))],
    openai: {
      defaultApiKey: p.openai.apiKey ?? null,
      ...(p.openai.baseUrl ? { baseUrl: p.openai.baseUrl } : {}),
      ...(p.openai.organization ? { organization: p.openai.organization } : {}),
      ...(p.openai.project ? { project: p.openai.project } : {}),
    },
    azureOpenai: p.azureOpenai ? { defaultApiKey: p.azureOpenai.apiKey ?? null, baseUrl: `${p.azureOpenai.endpoint}/openai`, apiVersion: p.azureOpenai.apiVersion } : null,
    webhookSecrets: p.openai.webhookSecrets.length > 0 ? { openai: [...p.openai.webhookSecrets] } : {},
  };
}

/**
 * Model runners and embeddings of evals: the same endpoints and server keys as fine-tuning. Tenants
 * with a stored key run models on `openai` (or Azure) even without a server key; eval-case
 * embeddings use the server's OpenAI key only (local embeddings without it).
 */
export function evalProviders(p: ProviderSettings): Pick<NonNullable<CreateFtmOptions['evals']>, 'openai' | 'azureOpenai' | 'runnerEndpoints'> {
  return {
    runnerEndpoints: { together: togetherRunnerEndpoint(together(p)) },
    openai: {
      apiKey: p.openai.apiKey ?? null,
      ...(p.openai.baseUrl ? { baseUrl: p.openai.baseUrl } : {}),
      ...(p.openai.organization ? { organization: p.openai.organization } : {}),
      ...(p.openai.project ? { project: p.openai.project } : {}),
    },
    azureOpenai: p.azureOpenai ? { baseUrl: `${p.azureOpenai.endpoint}/openai`, apiVersion: p.azureOpenai.apiVersion, apiKey: p.azureOpenai.apiKey ?? null } : null,
  };
}

function together(p: ProviderSettings): TogetherEndpointConfig {
  return { defaultApiKey: p.together.apiKey ?? null, ...(p.together.baseUrl ? { baseUrl: p.together.baseUrl } : {}) };
}
