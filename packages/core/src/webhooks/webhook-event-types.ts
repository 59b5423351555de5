import { z } from 'zod';

/**
 * The published event catalogue (`WebhookEventType` in docs/openapi.yaml). Only these types are
 * delivered to endpoints: internal events (api_key.*, project.*, webhook_endpoint.*) stay on the
 * SSE stream and the audit trail, so an endpoint cannot learn about credentials or loop on its
 * own bookkeeping.
 */
export const WEBHOOK_EVENT_TYPES = [
  'dataset.created',
  'dataset.failed',
  'eval.completed',
  'ft_job.updated',
  'model_version.created',
  'model_version.updated',
  'model.promoted',
  'model.rolled_back',
  'model.override',
  'regression.detected',
  'webhook.dead_lettered',
  'approval.requested',
  'approval.decided',
  'model.retirement_warning',
] as const;

/** One type of the catalogue. */
export const WebhookEventType = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

/** The event FTM emits when a delivery exhausts its attempts. */
export const WEBHOOK_DEAD_LETTERED = 'webhook.dead_lettered' satisfies WebhookEventType;

const CATALOGUE: ReadonlySet<string> = new Set(WEBHOOK_EVENT_TYPES);

/** Whether events of this type are delivered to webhook endpoints at all. */
export function isDeliverableEventType(type: string): type is WebhookEventType {
  return CATALOGUE.has(type);
}
