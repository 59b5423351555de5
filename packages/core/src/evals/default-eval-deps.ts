import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { GovernanceEngine } from '../ports/governance.js';
import type { Queue } from '../ports/queue.js';
import type { Sanitizer } from '../sanitization/sanitizer.js';
import { OpenAiChatRunner, type OpenAiChatRunnerConfig } from '../adapters/openai/chat-runner.js';
import { SimulatedRunner } from '../adapters/simulated/simulated-runner.js';
import { createModelRunnerRegistry } from '../runners/runner-registry.js';
import { DEFAULT_INFERENCE_PRICES, type InferencePriceTable } from '../runners/inference-prices.js';
import type { RunnerEndpoint } from '../runners/model-runner.js';
import type { ProviderCredentialLookup } from '../providers/provider-credentials.js';
import { LocalEmbedder } from '../vectors/local-embedder.js';
import { OpenAiEmbedder } from '../vectors/openai-embedder.js';
import { HttpVectorStore } from '../vectors/http-vector-store.js';
import { simulatedExampleLoader } from './dataset-cases.js';
import type { EvalDeps, EvalEngineOptions } from './eval-deps.js';

/** Configuration of {@link createEvalDeps}: the platform adapters plus optional integrations. */
export interface EvalDepsConfig {
  readonly db: Kysely<DB>;
  readonly blobs: BlobStore;
  readonly queue: Queue;
  readonly governance: GovernanceEngine;
  readonly sanitizer: Sanitizer;
  /**
   * OpenAI's endpoint (FTM_OPENAI_BASE_URL, organization, project) and the server key
   * (FTM_OPENAI_API_KEY): given, `openai` runs models for every scope with a credential (stored,
   * else this key), and the key embeds eval cases; absent, runs are simulated and embeddings local.
   */
  readonly openai?: (Omit<OpenAiChatRunnerConfig, 'name' | 'apiKey'> & { readonly apiKey?: string | null }) | null;
  /** Azure OpenAI (resource `…/openai` base, `api-version`, server key): `azure_openai` runs deployments. */
  readonly azureOpenai?: { readonly baseUrl: string; readonly apiVersion: string; readonly apiKey?: string | null } | null;
  /** Further providers' runners (Together), built per credential. */
  readonly runnerEndpoints?: Readonly<Record<string, RunnerEndpoint>>;
  /** Credentials tenants stored (createFtm passes the encrypted store's). */
  readonly credentials?: ProviderCredentialLookup | null;
  /** FTM_VECTOR_URL with FTM_ORCHESTRATOR_API_KEY; else in-database vector search. */
  readonly vectorStore?: { readonly url: string; readonly apiKey: string } | null;
  readonly prices?: InferencePriceTable;
  readonly simulated?: { readonly latencyMs?: number };
  readonly engine?: EvalEngineOptions;
}

/** Wires the eval dependencies the way the apps run them: online with OpenAI, else fully offline. */
export function createEvalDeps(config: EvalDepsConfig): EvalDeps {
  const simulated = new SimulatedRunner({ examples: simulatedExampleLoader(config.db, config.blobs), ...(config.simulated?.latencyMs !== undefined ? { latencyMs: config.simulated.latencyMs } : {}) });
  const endpoints: Record<string, RunnerEndpoint> = { ...config.runnerEndpoints };
  const openai = config.openai;
  if (openai) {
    const { apiKey, organization, project, ...endpoint } = openai;
    endpoints.openai = {
      defaultCredential: apiKey ? { apiKey, ...(organization ? { organization } : {}), ...(project ? { project } : {}) } : null,
      create: (credential) => new OpenAiChatRunner({ ...endpoint, ...credential, name: 'openai' }),
    };
  }
  const azure = config.azureOpenai;
  if (azure) {
    endpoints.azure_openai = {
      defaultCredential: azure.apiKey ? { apiKey: azure.apiKey } : null,
      create: (credential) =>
        new OpenAiChatRunner({ name: 'azure_openai', baseUrl: azure.baseUrl, apiVersion: azure.apiVersion, authHeader: 'api-key', deploymentInPath: true, apiKey: credential.apiKey }),
    };
  }
  return {
    db: config.db,
    blobs: config.blobs,
    queue: config.queue,
    governance: config.governance,
    sanitizer: config.sanitizer,
    runners: createModelRunnerRegistry({ simulated }, { endpoints, credentials: config.credentials ?? null }),
    prices: config.prices ?? DEFAULT_INFERENCE_PRICES,
    embedder: openai?.apiKey
      ? new OpenAiEmbedder({
          apiKey: openai.apiKey,
          ...(openai.baseUrl ? { baseUrl: openai.baseUrl } : {}),
          ...(openai.organization ? { organization: openai.organization } : {}),
          ...(openai.project ? { project: openai.project } : {}),
        })
      : new LocalEmbedder(),
    vectorStore: config.vectorStore ? new HttpVectorStore({ baseUrl: config.vectorStore.url, apiKey: config.vectorStore.apiKey }) : null,
    ...(config.engine ? { engine: config.engine } : {}),
  };
}
