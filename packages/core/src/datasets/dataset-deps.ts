import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { GovernanceEngine } from '../ports/governance.js';
import type { Queue } from '../ports/queue.js';
import type { Sanitizer } from '../sanitization/sanitizer.js';
import type { RecordProcessor } from './build/record-processor-pool.js';
import type { TraceSource } from './trace-source.js';
import type { LangfuseReader } from './langfuse-source.js';

/** Opens Langfuse for a tenant and project with the key pair stored for them; null when none is. */
export interface LangfuseConnector {
  open(scope: { readonly tenantId: string; readonly projectId: string | null }): Promise<LangfuseReader | null>;
}

/** What the dataset use cases need; the apps build it once per process. */
export interface DatasetDeps {
  readonly db: Kysely<DB>;
  readonly blobs: BlobStore;
  readonly queue: Queue;
  readonly governance: GovernanceEngine;
  /** The Orchestrator trace API; null when no Orchestrator is configured. */
  readonly traces: TraceSource | null;
  /** Langfuse's public API with the stored key pairs (the `langfuse` source); absent: that source is refused. */
  readonly langfuse?: LangfuseConnector;
  /** RemoteTrismSanitizer when FTM_TRISM_URL is set, else BuiltinSanitizer. */
  readonly sanitizer: Sanitizer;
  /** Shared worker-thread pool for builds (inline when omitted). */
  readonly processor?: RecordProcessor;
  /** Most bytes one build's dedup indexes may hold (DEFAULT_DEDUP_MEMORY_BYTES when omitted). */
  readonly dedupMemoryBytes?: number;
}
