import type { WebhookDeps } from './webhook-deps.js';
import { deliverJobId, webhookDeliverJob } from './webhook-jobs.js';
import { enqueueJob } from '../shared/enqueue-job.js';

/** What one sweep found. */
export interface SweepResult {
  /** Pending deliveries whose queue job was lost (overdue past `overdueAfterMs`). */
  readonly overdue: number;
  /** Deliveries left `delivering` by a worker that died (older than `staleAfterMs`). */
  readonly stale: number;
}

/**
 * The safety net under the queue: re-enqueues deliveries whose attempt is overdue (the job was
 * lost with Redis, or enqueuing failed after commit) or whose worker died mid-attempt. Job ids
 * collapse with any copy still waiting, and claiming is idempotent, so sweeping from several
 * workers at once only costs a few no-op jobs.
 */
export async function sweepWebhookDeliveries(deps: WebhookDeps, options: { limit?: number } = {}): Promise<SweepResult> {
  const limit = options.limit ?? 500;
  const now = deps.clock.now().getTime();
  const overdue = await deps.db
    .selectFrom('webhook_deliveries')
    .select(['id', 'attempt_count'])
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', new Date(now - deps.settings.overdueAfterMs))
    .orderBy('next_attempt_at')
    .limit(limit)
    .execute();
  const stale = await deps.db
    .selectFrom('webhook_deliveries')
    .select(['id', 'attempt_count', 'updated_at'])
    .where('status', '=', 'delivering')
    .where('updated_at', '<=', new Date(now - deps.settings.staleAfterMs))
    .orderBy('updated_at')
    .limit(limit)
    .execute();
  const jobs = [
    ...overdue.map((d) => ({ id: d.id, jobId: deliverJobId(d.id, d.attempt_count + 1) })),
    ...stale.map((d) => ({ id: d.id, jobId: deliverJobId(d.id, d.attempt_count, `stale${new Date(d.updated_at).getTime()}`) })),
  ];
  for (const job of jobs) {
    await enqueueJob(deps.queue, webhookDeliverJob, { deliveryId: job.id }, { jobId: job.jobId });
  }
  if (jobs.length > 0) deps.logger.info({ overdue: overdue.length, stale: stale.length }, 'webhook sweeper re-enqueued deliveries');
  return { overdue: overdue.length, stale: stale.length };
}
