import { z } from 'zod';

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
