/** Builds fine-tuning deps for tests: a real database, blobs on disk, a recording queue, the simulated provider. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.js';
import type { EnqueueOptions, Queue } from '../../src/ports/queue.js';
import type { GovernanceEngine } from '../../src/ports/governance.js';
import { FsBlobStore } from '../../src/adapters/fs/fs-blob-store.js';
import { resolveEnqueueOptions } from '../../src/adapters/local-queue/enqueue-options.js';
import { ApprovalHooks } from '../../src/approvals/approval-hooks.js';
import type { PrismGateway } from '../../src/approvals/prism-gateway.js';
import { LocalGovernanceEngine } from '../../src/governance/local-governance-engine.js';
import { createProviderResolver } from '../../src/adapters/provider-resolver.js';
import type { ProviderEndpoint } from '../../src/providers/fine-tune-provider-resolver.js';
import { DEFAULT_PRICE_TABLE } from '../../src/providers/price-table.js';
import type { SimulatedFailures } from '../../src/adapters/simulated/simulated-fine-tune-provider.js';
import type { FtJobDeps } from '../../src/ft-jobs/ft-job-deps.js';
import { registerFtJobApprovalHook } from '../../src/ft-jobs/ft-job-approval-hook.js';
import type { Clock } from '../../src/shared/clock.js';
import { uuidv7 } from '../../src/shared/ids.js';

/** A queue that only records what was enqueued (deduplicating job ids, as real queues do). */
export class RecordingQueue implements Queue {
  readonly jobs: { name: string; payload: { ft_job_id: string; tenant_id: string }; options?: EnqueueOptions }[] = [];
  readonly #ids = new Set<string>();
  async enqueue(name: string, payload: unknown, options?: EnqueueOptions): Promise<string> {
    // the same checks every real adapter applies
    resolveEnqueueOptions(name, options ?? {}, { maxAttempts: 5, backoffMs: 1_000 });
    const id = options?.jobId ?? uuidv7();
    if (!this.#ids.has(id)) {
      this.#ids.add(id);
      this.jobs.push({ name, payload: payload as { ft_job_id: string; tenant_id: string }, options });
    }
    return id;
  }
  named(name: string, ftJobId?: string) {
    return this.jobs.filter((j) => j.name === name && (!ftJobId || j.payload.ft_job_id === ftJobId));
  }
  consume(): void {}
  async stop(): Promise<void> {}
  async depth() {
    return { waiting: this.jobs.length, active: 0, delayed: 0, deadLetter: 0 };
  }
  async depthByName() {
    const names = [...new Set(this.jobs.map((j) => j.name))].sort();
    return names.map((name) => ({ name, waiting: this.jobs.filter((j) => j.name === name).length, active: 0, delayed: 0, deadLetter: 0 }));
  }
  async listDeadLetters() {
    return [];
  }
  async replayDeadLetters() {
    return 0;
  }
  async check(): Promise<void> {}
  async close(): Promise<void> {}
}

export interface KitOptions {
  readonly db: Kysely<DB>;
  readonly clock: Clock;
  readonly governance?: GovernanceEngine;
  readonly prism?: PrismGateway | null;
  readonly failures?: SimulatedFailures;
  readonly defaultCostThresholdUsd?: number | null;
  readonly submitLeaseMs?: number;
  readonly timings?: { validatingMs: number; queuedMs: number; runningMs: number };
  /** Share one blob directory between processes. */
  readonly blobRoot?: string;
  /** Further providers besides the simulated one. */
  readonly endpoints?: readonly ProviderEndpoint[];
}

/** Deps wired like the embedded default, with the approval hook registered. */
export async function makeDeps(options: KitOptions): Promise<FtJobDeps & { queue: RecordingQueue; blobs: FsBlobStore }> {
  const blobs = new FsBlobStore({ root: options.blobRoot ?? (await mkdtemp(join(tmpdir(), 'ftm-ft-blobs-'))) });
  const queue = new RecordingQueue();
  const approvalHooks = new ApprovalHooks();
  const deps = {
    db: options.db,
    queue,
    blobs,
    governance: options.governance ?? new LocalGovernanceEngine({ version: 1, default: 'allow', rules: [] }),
    prism: options.prism ?? null,
    approvalHooks,
    providers: createProviderResolver({
      simulated: { db: options.db, clock: options.clock, timings: options.timings ?? { validatingMs: 1_000, queuedMs: 1_000, runningMs: 10_000 }, failures: options.failures },
      ...(options.endpoints ? { endpoints: options.endpoints } : {}),
    }),
    priceTable: DEFAULT_PRICE_TABLE,
    defaultCostThresholdUsd: options.defaultCostThresholdUsd ?? null,
    poll: { initialDelayMs: 1_000, maxDelayMs: 4_000 },
    submitLeaseMs: options.submitLeaseMs ?? 60_000,
  };
  registerFtJobApprovalHook(approvalHooks, deps);
  return deps;
}

/** A built dataset row (ready + sanitized unless told otherwise) with its training file in the blob store. */
export async function seedDataset(
  deps: { db: Kysely<DB>; blobs: FsBlobStore },
  tenant: { tenantId: string; projectId: string | null },
  options: {
    status?: 'queued' | 'building' | 'ready' | 'blocked' | 'failed';
    sanitized?: boolean;
    examples?: number;
    tokensPerExample?: number;
    format?: 'jsonl_chat' | 'jsonl_prompt_completion' | 'jsonl_preference';
  } = {},
): Promise<string> {
  const id = uuidv7();
  const examples = options.examples ?? 20;
  const format = options.format ?? 'jsonl_chat';
  const lines = Array.from({ length: examples }, (_, i) => JSON.stringify(exampleRecord(format, i)));
  const key = `datasets/${tenant.tenantId}/${id}/v1/train.jsonl`;
  const info = await deps.blobs.put(key, `${lines.join('\n')}\n`);
  await deps.db
    .insertInto('datasets')
    .values({
      id,
      tenant_id: tenant.tenantId,
      project_id: tenant.projectId,
      name: 'support conversations',
      dataset_group_id: id,
      config_hash: 'c'.repeat(64),
      // As a build stores them: the API answers these rows, and the contract requires every field.
      source: JSON.stringify({ type: 'inline', record_count: examples }),
      config: JSON.stringify({
        base_model: 'gpt-4o-mini-2024-07-18',
        sanitization: { policy: 'redact' },
        dedup: { exact: true, near: true, near_threshold: 0.9 },
        validation_split: 0,
        strict: false,
        min_examples: 1,
      }),
      format,
      status: options.status ?? 'ready',
      sanitized: options.sanitized ?? true,
      train_blob_key: key,
      train_size_bytes: info.sizeBytes,
      train_sha256: info.sha256,
      token_estimate: examples * (options.tokensPerExample ?? 1_000),
      train_record_count: examples,
      created_by: 'test',
    })
    .execute();
  return id;
}

/** One valid training record of a dataset format. */
export function exampleRecord(format: 'jsonl_chat' | 'jsonl_prompt_completion' | 'jsonl_preference', i: number): Record<string, unknown> {
  if (format === 'jsonl_prompt_completion') return { prompt: `question ${i}`, completion: `answer ${i}` };
  if (format === 'jsonl_preference') {
    return {
      input: { messages: [{ role: 'user', content: `question ${i}` }] },
      preferred_output: [{ role: 'assistant', content: `good answer ${i}` }],
      non_preferred_output: [{ role: 'assistant', content: `bad answer ${i}` }],
    };
  }
  return {
    messages: [
      { role: 'user', content: `question ${i}` },
      { role: 'assistant', content: `answer ${i}` },
    ],
  };
}
