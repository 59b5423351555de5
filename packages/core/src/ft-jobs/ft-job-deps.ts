import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { GovernanceEngine } from '../ports/governance.js';
import type { Queue } from '../ports/queue.js';
import type { ApprovalHooks } from '../approvals/approval-hooks.js';
import type { PrismGateway } from '../approvals/prism-gateway.js';
import type { FineTuneProviderResolver } from '../providers/fine-tune-provider-resolver.js';
import type { PriceTable } from '../providers/price-table.js';

/** How often a running job is polled: starts fast, backs off to the maximum. */
export interface PollPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/** Everything the fine-tuning use cases need. */
export interface FtJobDeps {
  readonly db: Kysely<DB>;
  readonly queue: Queue;
  readonly blobs: BlobStore;
  readonly governance: GovernanceEngine;
  /** Remote PRISM when FTM_PRISM_URL is set; null for the local approvals flow. */
  readonly prism: PrismGateway | null;
  readonly approvalHooks: ApprovalHooks;
  readonly providers: FineTuneProviderResolver;
  readonly priceTable: PriceTable;
  /** Applies when a request sets no `cost_threshold_usd`; null means no threshold. */
  readonly defaultCostThresholdUsd?: number | null;
  readonly poll?: PollPolicy;
  /** How long one worker holds the right to submit a job before another may take over. */
  readonly submitLeaseMs?: number;
  /** Injected for tests: the wait between create attempts of one delivery. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_POLL_POLICY: PollPolicy = { initialDelayMs: 5_000, maxDelayMs: 5 * 60_000 };
export const DEFAULT_SUBMIT_LEASE_MS = 10 * 60_000;
