import { OUTBOX_DISPATCH_JOB, WEBHOOK_DELIVER_JOB, WebhookDeliverPayload, type WebhooksService } from '@ftm/core';
import { defineJob, type JobHandlerOf } from '../job-catalog.js';
import type { outboxDispatchJob } from './outbox-dispatch-job.js';

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

/** The webhook handlers of the catalog: fan-out of `outbox.dispatch` and `webhook.deliver`. */
export function webhookJobHandlers(webhooks: WebhooksService): {
  readonly [OUTBOX_DISPATCH_JOB]: JobHandlerOf<typeof outboxDispatchJob>;
  readonly [WEBHOOK_DELIVER_JOB]: JobHandlerOf<typeof webhookDeliverJob>;
} {
  return {
    [OUTBOX_DISPATCH_JOB]: async ({ events }) => {
      await webhooks.fanOutMany(events);
    },
    [WEBHOOK_DELIVER_JOB]: async ({ deliveryId }) => {
      await webhooks.deliver(deliveryId);
    },
  };
}
