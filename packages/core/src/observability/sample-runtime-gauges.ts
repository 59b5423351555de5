import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Queue } from '../ports/queue.js';
import type { FtmMetrics } from './ftm-metrics.js';

/** Default wait for one scrape-time sample; a scrape must stay well under Prometheus' own timeout. */
export const DEFAULT_SAMPLE_TIMEOUT_MS = 2_000;

/** What a scrape samples: the queue and, for fine-tuning costs, the database. */
export interface RuntimeGaugeSources {
  readonly queue: Queue;
  readonly db: Kysely<DB>;
  readonly timeoutMs?: number;
  /** The clock the outbox age is measured with (default: the system clock). */
  readonly now?: () => Date;
}

async function withinTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  // A late answer is dropped, never a crash.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), timeoutMs)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Samples queue depth by state; on failure or timeout the series are dropped and the collector reports 0. */
export async function sampleQueueDepth(metrics: FtmMetrics, queue: Queue, timeoutMs = DEFAULT_SAMPLE_TIMEOUT_MS): Promise<void> {
  try {
    const depth = await withinTimeout(queue.depth(), timeoutMs);
    metrics.queueJobs.reset();
    metrics.queueJobs.set({ state: 'waiting' }, depth.waiting);
    metrics.queueJobs.set({ state: 'active' }, depth.active);
    metrics.queueJobs.set({ state: 'delayed' }, depth.delayed);
    metrics.queueJobs.set({ state: 'dead_letter' }, depth.deadLetter);
    metrics.collectorUp.set({ collector: 'queue_depth' }, 1);
  } catch {
    metrics.queueJobs.reset();
    metrics.collectorUp.set({ collector: 'queue_depth' }, 0);
  }
}

const STATES = [
  ['waiting', 'waiting'],
  ['active', 'active'],
  ['delayed', 'delayed'],
  ['dead_letter', 'deadLetter'],
] as const;

/**
 * Samples the depth per job name (the dead letters of each job type among them). A name seen
 * before and absent now reports 0 rather than vanishing, so an alert sees the backlog clear.
 */
export async function sampleQueueDepthByName(metrics: FtmMetrics, queue: Queue, seen: Set<string>, timeoutMs = DEFAULT_SAMPLE_TIMEOUT_MS): Promise<void> {
  try {
    const rows = await withinTimeout(queue.depthByName(), timeoutMs);
    metrics.queueJobsByName.reset();
    const byName = new Map(rows.map((r) => [r.name, r]));
    for (const r of rows) seen.add(r.name);
    for (const name of seen) {
      const row = byName.get(name);
      for (const [state, field] of STATES) metrics.queueJobsByName.set({ job_name: name, state }, row ? row[field] : 0);
    }
    metrics.collectorUp.set({ collector: 'queue_depth_by_name' }, 1);
  } catch {
    metrics.queueJobsByName.reset();
    metrics.collectorUp.set({ collector: 'queue_depth_by_name' }, 0);
  }
}

/**
 * Samples estimate-vs-actual cost of completed fine-tuning jobs from the database, so the numbers
 * are the same whichever worker process completed a job. Only jobs with both values count, which
 * makes the two sums comparable. No tenant label: these are operator totals.
 */
export async function sampleFtJobCosts(metrics: FtmMetrics, db: Kysely<DB>, timeoutMs = DEFAULT_SAMPLE_TIMEOUT_MS): Promise<void> {
  try {
    const rows = await withinTimeout(
      db
        .selectFrom('ft_jobs')
        .select((eb) => [
          'provider',
          eb.fn.countAll<string>().as('jobs'),
          sql<string>`coalesce(sum(estimated_cost_usd), 0)`.as('estimated'),
          sql<string>`coalesce(sum(actual_cost_usd), 0)`.as('actual'),
        ])
        .where('status', '=', 'completed')
        .where('estimated_cost_usd', 'is not', null)
        .where('actual_cost_usd', 'is not', null)
        .groupBy('provider')
        .execute(),
      timeoutMs,
    );
    for (const gauge of [metrics.ftJobsCosted, metrics.ftJobCostEstimated, metrics.ftJobCostActual]) gauge.reset();
    for (const row of rows) {
      metrics.ftJobsCosted.set({ provider: row.provider }, Number(row.jobs));
      metrics.ftJobCostEstimated.set({ provider: row.provider }, Number(row.estimated));
      metrics.ftJobCostActual.set({ provider: row.provider }, Number(row.actual));
    }
    metrics.collectorUp.set({ collector: 'ft_job_costs' }, 1);
  } catch {
    metrics.collectorUp.set({ collector: 'ft_job_costs' }, 0);
  }
}

/**
 * Samples the outbox backlog: events not yet dispatched and the age of the oldest (0 when none).
 * A growing age means the relay is stuck (no worker, or the queue refuses); webhooks, audit
 * forwarding and job dispatch all wait behind it. Reads the partial index of pending events.
 */
export async function sampleOutbox(metrics: FtmMetrics, db: Kysely<DB>, now: Date, timeoutMs = DEFAULT_SAMPLE_TIMEOUT_MS): Promise<void> {
  try {
    const row = await withinTimeout(
      db
        .selectFrom('outbox_events')
        .select((eb) => [eb.fn.countAll<string>().as('pending'), eb.fn.min('occurred_at').as('oldest')])
        .where('dispatched_at', 'is', null)
        .executeTakeFirstOrThrow(),
      timeoutMs,
    );
    const oldest = row.oldest === null ? null : new Date(row.oldest as unknown as string | Date);
    metrics.outboxBacklog.set(Number(row.pending));
    metrics.outboxOldestAge.set(oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0);
    metrics.collectorUp.set({ collector: 'outbox' }, 1);
  } catch {
    metrics.outboxBacklog.reset();
    metrics.outboxOldestAge.reset();
    metrics.collectorUp.set({ collector: 'outbox' }, 0);
  }
}

/** Samples how many webhook deliveries are dead letters (every tenant: an operator total). */
export async function sampleWebhookDeadLetters(metrics: FtmMetrics, db: Kysely<DB>, timeoutMs = DEFAULT_SAMPLE_TIMEOUT_MS): Promise<void> {
  try {
    const row = await withinTimeout(
      db
        .selectFrom('webhook_deliveries')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('status', '=', 'dead_letter')
        .executeTakeFirstOrThrow(),
      timeoutMs,
    );
    metrics.webhookDeadLetters.set(Number(row.n));
    metrics.collectorUp.set({ collector: 'webhook_dead_letters' }, 1);
  } catch {
    metrics.webhookDeadLetters.reset();
    metrics.collectorUp.set({ collector: 'webhook_dead_letters' }, 0);
  }
}

// The job names each metrics object has reported, so a drained name shows 0 instead of vanishing.
const seenJobNames = new WeakMap<FtmMetrics, Set<string>>();

/** Takes every scrape-time sample concurrently. */
export async function sampleRuntimeGauges(metrics: FtmMetrics, sources: RuntimeGaugeSources): Promise<void> {
  const now = sources.now?.() ?? new Date();
  let seen = seenJobNames.get(metrics);
  if (!seen) seenJobNames.set(metrics, (seen = new Set()));
  await Promise.all([
    sampleQueueDepth(metrics, sources.queue, sources.timeoutMs),
    sampleQueueDepthByName(metrics, sources.queue, seen, sources.timeoutMs),
    sampleFtJobCosts(metrics, sources.db, sources.timeoutMs),
    sampleOutbox(metrics, sources.db, now, sources.timeoutMs),
    sampleWebhookDeadLetters(metrics, sources.db, sources.timeoutMs),
  ]);
}
