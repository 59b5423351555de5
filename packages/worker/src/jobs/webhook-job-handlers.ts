import { OUTBOX_DISPATCH_JOB, WEBHOOK_DELIVER_JOB, type JobHandlerOf, type outboxDispatchJob, type WebhooksService, type webhookDeliverJob } from '@ftm/core';

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
