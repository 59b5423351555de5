import { z } from 'zod';
import type { Selectable } from 'kysely';
import type { WebhookAttemptsTable, WebhookDeliveriesTable, WebhookDeliveryStatus } from '../db/schema.js';
import { PageParams } from '../db/pagination.js';

/** One attempt as the API returns it. */
export interface WebhookAttempt {
  readonly attempt: number;
  readonly started_at: string;
  readonly status_code: number | null;
  readonly latency_ms: number | null;
  readonly error: string | null;
  readonly response_excerpt: string | null;
}

/** A delivery (one endpoint × one event) with every attempt, oldest first. */
export interface WebhookDelivery {
  readonly id: string;
  readonly endpoint_id: string;
  readonly event_id: string;
  readonly event_type: string;
  readonly status: WebhookDeliveryStatus;
  readonly attempt_count: number;
  readonly next_attempt_at: string | null;
  readonly last_attempt_at: string | null;
  readonly last_status_code: number | null;
  readonly last_error: string | null;
  readonly attempts: readonly WebhookAttempt[];
  readonly created_at: string;
  readonly updated_at: string;
  readonly succeeded_at: string | null;
}

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivering', 'succeeded', 'failed', 'dead_letter'] as const satisfies readonly WebhookDeliveryStatus[];

/** Query of `GET /webhooks/deliveries`. */
export const ListWebhookDeliveriesInput = PageParams.extend({
  status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional(),
  endpoint_id: z.uuid().optional(),
  event_type: z.string().min(1).max(100).optional(),
}).strict();
export type ListWebhookDeliveriesInput = z.infer<typeof ListWebhookDeliveriesInput>;

/** Body of `POST /webhooks/deliveries/replay`. */
export const ReplayWebhookDeliveriesInput = z.strictObject({
  since: z.iso.datetime({ offset: true }),
  endpoint_id: z.uuid().optional(),
});
export type ReplayWebhookDeliveriesInput = z.infer<typeof ReplayWebhookDeliveriesInput>;

/** Answer of a replay. */
export interface ReplayWebhookDeliveriesResult {
  readonly replayed: number;
  readonly since: string;
  readonly endpoint_id: string | null;
}

export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
export type WebhookAttemptRow = Selectable<WebhookAttemptsTable>;

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

/** The API shape of one attempt row. */
export function toWebhookAttempt(row: WebhookAttemptRow): WebhookAttempt {
  return {
    attempt: row.attempt,
    started_at: new Date(row.started_at).toISOString(),
    status_code: row.status_code,
    latency_ms: row.latency_ms,
    error: row.error,
    response_excerpt: row.response_excerpt,
  };
}

/** The API shape of a delivery row and its attempt rows. */
export function toWebhookDelivery(row: WebhookDeliveryRow, attempts: readonly WebhookAttemptRow[]): WebhookDelivery {
  return {
    id: row.id,
    endpoint_id: row.endpoint_id,
    event_id: row.event_id,
    event_type: row.event_type,
    status: row.status,
    attempt_count: row.attempt_count,
    next_attempt_at: iso(row.next_attempt_at),
    last_attempt_at: iso(row.last_attempt_at),
    last_status_code: row.last_status_code,
    last_error: row.last_error,
    attempts: [...attempts].sort((a, b) => a.attempt - b.attempt).map(toWebhookAttempt),
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
    succeeded_at: iso(row.succeeded_at),
  };
}
