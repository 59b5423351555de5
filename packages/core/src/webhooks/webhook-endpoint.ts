import { z } from 'zod';
import type { Selectable } from 'kysely';
import type { WebhookEndpointsTable } from '../db/schema.js';
import { PageParams } from '../db/pagination.js';
import { WebhookEventType } from './webhook-event-types.js';

/** A webhook endpoint as the API returns it; never its secrets. */
export interface WebhookEndpoint {
  readonly id: string;
  readonly project_id: string | null;
  readonly url: string;
  readonly description: string | null;
  readonly event_types: readonly WebhookEventType[];
  readonly enabled: boolean;
  readonly disabled_reason: string | null;
  readonly secret_source: 'generated' | 'signing_key';
  readonly previous_secret_expires_at: string | null;
  readonly created_at: string;
  readonly updated_at: string;
}

/** Create and rotate responses: the endpoint plus its new secret, shown this once. */
export interface WebhookEndpointWithSecret extends WebhookEndpoint {
  readonly secret: string | null;
}

const Url = z
  .string()
  .trim()
  .min(1)
  .max(2048)
  .refine((value) => URL.canParse(value), 'must be an absolute URL');
const EventTypes = z
  .array(WebhookEventType)
  .max(WebhookEventType.options.length)
  .refine((types) => new Set(types).size === types.length, 'must not repeat a type');

/** Body of `POST /webhook-endpoints`. */
export const CreateWebhookEndpointInput = z.strictObject({
  url: Url,
  event_types: EventTypes.optional(),
  description: z.string().max(500).optional(),
  enabled: z.boolean().optional(),
  project_id: z.uuid().optional(),
  secret_source: z.enum(['generated', 'signing_key']).optional(),
});
export type CreateWebhookEndpointInput = z.infer<typeof CreateWebhookEndpointInput>;

/** Body of `PATCH /webhook-endpoints/{id}`: at least one field. */
export const UpdateWebhookEndpointInput = z
  .strictObject({
    url: Url.optional(),
    event_types: EventTypes.optional(),
    description: z.string().max(500).nullable().optional(),
    enabled: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'give at least one field to change');
export type UpdateWebhookEndpointInput = z.infer<typeof UpdateWebhookEndpointInput>;

/** Body of `POST /webhook-endpoints/{id}/rotate-secret` (optional). */
export const RotateWebhookSecretInput = z.strictObject({
  overlap_seconds: z.number().int().min(0).max(604_800).optional(),
});
export type RotateWebhookSecretInput = z.infer<typeof RotateWebhookSecretInput>;

const QueryBoolean = z.enum(['true', 'false']).transform((v) => v === 'true');

/** Query of `GET /webhook-endpoints`. */
export const ListWebhookEndpointsInput = PageParams.extend({
  project_id: z.uuid().optional(),
  enabled: z.union([z.boolean(), QueryBoolean]).optional(),
}).strict();
export type ListWebhookEndpointsInput = z.infer<typeof ListWebhookEndpointsInput>;

export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;

/** The API shape of a row at `now` (an expired rotation overlap shows as none). */
export function toWebhookEndpoint(row: WebhookEndpointRow, now: Date): WebhookEndpoint {
  const overlapEnds = row.previous_secret !== null && row.previous_secret_expires_at !== null ? new Date(row.previous_secret_expires_at) : null;
  return {
    id: row.id,
    project_id: row.project_id,
    url: row.url,
    description: row.description,
    event_types: row.event_types as WebhookEventType[],
    enabled: row.enabled,
    disabled_reason: row.disabled_reason,
    secret_source: row.secret === null ? 'signing_key' : 'generated',
    previous_secret_expires_at: overlapEnds && overlapEnds.getTime() > now.getTime() ? overlapEnds.toISOString() : null,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}
