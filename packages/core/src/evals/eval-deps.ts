import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { GovernanceEngine } from '../ports/governance.js';
import type { Queue } from '../ports/queue.js';
import type { Sanitizer } from '../sanitization/sanitizer.js';
import type { ModelRunnerRegistry } from '../runners/model-runner.js';
import type { InferencePriceTable } from '../runners/inference-prices.js';
import type { Embedder } from '../vectors/embedder.js';
import type { VectorStore } from '../vectors/vector-store.js';

/** Tuning of the run engine; the defaults suit production. */
export interface EvalEngineOptions {
  /** Attempts per model call on transient failures (outage, rate limit), the first included. */
  readonly callAttempts?: number;
  /** Base delay between those attempts (jittered, doubled each time). */
  readonly callRetryBaseMs?: number;
  /** Wait between attempts; injected by tests. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** What the eval use cases need; the apps build it once per process. */
export interface EvalDeps {
  readonly db: Kysely<DB>;
  readonly blobs: BlobStore;
  readonly queue: Queue;
  readonly governance: GovernanceEngine;
  /** RemoteTrismSanitizer when FTM_TRISM_URL is set, else BuiltinSanitizer (TRiSM safety grader). */
  readonly sanitizer: Sanitizer;
  readonly runners: ModelRunnerRegistry;
  readonly prices: InferencePriceTable;
  /** The provider's embeddings, or LocalEmbedder offline (vector_retrieval). */
  readonly embedder: Embedder;
  /** The FTM_VECTOR_URL store; null means in-database search. */
  readonly vectorStore: VectorStore | null;
  readonly engine?: EvalEngineOptions;
}
