import type { WebhookSettings } from './webhook-settings.js';
import { signWebhook } from './webhook-signature.js';

/** The endpoint columns that decide how a delivery is signed. */
export interface SigningEndpoint {
  readonly secret: string | null;
  readonly previous_secret: string | null;
  readonly previous_secret_expires_at: Date | string | null;
}

/** The outbox event a delivery carries. */
export interface DeliveredEvent {
  readonly id: string;
  readonly type: string;
  readonly occurred_at: Date | string;
  readonly payload: Record<string, unknown>;
}

/**
 * The secrets that sign a delivery at `now`, newest first: the endpoint's own (or the deployment
 * signing key), plus the previous one while a rotation overlap lasts.
 */
export function signingSecrets(endpoint: SigningEndpoint, settings: Pick<WebhookSettings, 'signingKey' | 'previousSigningKeys'>, now: Date): string[] {
  if (endpoint.secret === null) return settings.signingKey === null ? [] : [settings.signingKey, ...settings.previousSigningKeys];
  const overlap = endpoint.previous_secret !== null && endpoint.previous_secret_expires_at !== null && new Date(endpoint.previous_secret_expires_at).getTime() > now.getTime();
  return overlap ? [endpoint.secret, endpoint.previous_secret!] : [endpoint.secret];
}

/** The JSON body of a delivery: `{ id, type, created_at, data }`. */
export function webhookBody(event: DeliveredEvent): string {
  return JSON.stringify({ id: event.id, type: event.type, created_at: new Date(event.occurred_at).toISOString(), data: event.payload });
}

/**
 * Headers of one attempt: the Standard Webhooks trio (webhook-id = event id, stable across
 * retries) and the X-FTM-* names carrying the same values plus the type and delivery id. The
 * timestamp and signature are fresh on every attempt.
 */
export function webhookHeaders(event: DeliveredEvent, deliveryId: string, body: string, secrets: readonly string[], now: Date): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  const signature = signWebhook(event.id, timestamp, body, secrets);
  return {
    'content-type': 'application/json',
    'user-agent': 'FTM-Webhooks/1.0',
    'webhook-id': event.id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signature,
    'x-ftm-event': event.type,
    'x-ftm-delivery': deliveryId,
    'x-ftm-timestamp': String(timestamp),
    'x-ftm-signature': signature,
  };
}
