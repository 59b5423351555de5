import type { WebhookDeps } from './webhook-deps.js';
import { deliverJobId, webhookDeliverJob } from './webhook-jobs.js';
import { enqueueJob } from '../shared/enqueue-job.js';

/**
 * Queues the next attempt of each delivery, after the transaction that scheduled it committed.
 * A failure here loses nothing (the row says when the attempt is due and the sweeper enqueues
 * overdue ones), so it is logged, not thrown.
 */
export async function enqueueDeliveries(deps: WebhookDeps, deliveries: readonly { readonly id: string; readonly attempt_count: number }[], delayMs: number, tag?: string): Promise<void> {
  for (const d of deliveries) {
    try {
      await enqueueJob(deps.queue, webhookDeliverJob, { deliveryId: d.id }, { jobId: deliverJobId(d.id, d.attempt_count + 1, tag), delayMs: Math.max(0, Math.round(delayMs)) });
    } catch (error) {
      deps.logger.warn({ deliveryId: d.id, err: { message: (error as Error).message } }, 'could not enqueue a webhook attempt; the sweeper will');
    }
  }
}
