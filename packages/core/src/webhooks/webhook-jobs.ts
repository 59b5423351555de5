import { z } from 'zod';
import { defineJob } from '../shared/job-definition.js';

/** Queue job: make the next attempt of one delivery (retries, redeliveries, sweeps). */
export const WEBHOOK_DELIVER_JOB = 'webhook.deliver';

/** Payload of a `webhook.deliver` job. */
export const WebhookDeliverPayload = z.object({ deliveryId: z.uuid() });
export type WebhookDeliverPayload = z.infer<typeof WebhookDeliverPayload>;

/**
 * The job id of the attempt numbered `attempt` of a delivery: the scheduled retry and a sweep of
 * the same overdue attempt collapse into one job. `tag` keeps a redelivery from merging with an
 * attempt scheduled for later.
 */
export function deliverJobId(deliveryId: string, attempt: number, tag?: string): string {
  // No ':' (BullMQ's key separator, refused by every queue adapter).
  return tag ? `webhook.${deliveryId}.${attempt}.${tag}` : `webhook.${deliveryId}.${attempt}`;
}

/**
 * A retry, redelivery or sweep of one webhook delivery. The attempt itself never throws for a
 * receiver's failure (that is recorded and rescheduled on the delivery row); the queue retries only
 * when the database failed around it.
 */
export const webhookDeliverJob = defineJob({
  name: WEBHOOK_DELIVER_JOB,
  schema: WebhookDeliverPayload,
  retry: { maxAttempts: 5, backoffMs: 1_000 },
  // Above the longest attempt (the per-attempt deadline is 15 s by default).
  timeoutMs: 120_000,
});
