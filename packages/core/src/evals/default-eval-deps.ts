import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { GovernanceEngine } from '../ports/governance.js';
import type { Queue } from '../ports/queue.js';
import type { Sanitizer } from '../trism/sanitizer.js';
import { OpenAiChatRunner, type OpenAiChatRunnerConfig } from '../adapters/openai/chat-runner.js';
import { SimulatedRunner } from '../adapters/simulated/simulated-runner.js';
import { createModelRunnerRegistry } from '../runners/runner-registry.js';
import { DEFAULT_INFERENCE_PRICES, type InferencePriceTable } from '../runners/inference-prices.js';
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
  /** FTM_OPENAI_API_KEY (and base URL): OpenAI runs models and embeds; else simulated + local embeddings. */
  readonly openai?: Omit<OpenAiChatRunnerConfig, 'name'> | null;
  /** FTM_VECTOR_URL with FTM_ORCHESTRATOR_API_KEY; else in-database vector search. */
  readonly vectorStore?: { readonly url: string; readonly apiKey: string } | null;
  readonly prices?: InferencePriceTable;
  readonly simulated?: { readonly latencyMs?: number };
  readonly engine?: EvalEngineOptions;
}

/** Wires the eval dependencies the way the apps run them: online with OpenAI, else fully offline. */
export function createEvalDeps(config: EvalDepsConfig): EvalDeps {
  const simulated = new SimulatedRunner({ examples: simulatedExampleLoader(config.db, config.blobs), ...(config.simulated?.latencyMs !== undefined ? { latencyMs: config.simulated.latencyMs } : {}) });
  const openai = config.openai ? new OpenAiChatRunner(config.openai) : undefined;
  return {
    db: config.db,
    blobs: config.blobs,
    queue: config.queue,
    governance: config.governance,
    sanitizer: config.sanitizer,
    runners: createModelRunnerRegistry({ simulated, ...(openai ? { openai } : {}) }),
    prices: config.prices ?? DEFAULT_INFERENCE_PRICES,
    embedder: config.openai
      ? new OpenAiEmbedder({
          apiKey: config.openai.apiKey,
          ...(config.openai.baseUrl ? { baseUrl: config.openai.baseUrl } : {}),
          ...(config.openai.organization ? { organization: config.openai.organization } : {}),
          ...(config.openai.project ? { project: config.openai.project } : {}),
        })
      : new LocalEmbedder(),
    vectorStore: config.vectorStore ? new HttpVectorStore({ baseUrl: config.vectorStore.url, apiKey: config.vectorStore.apiKey }) : null,
    ...(config.engine ? { engine: config.engine } : {}),
  };
}
