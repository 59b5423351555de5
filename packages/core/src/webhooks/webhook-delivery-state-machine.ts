import type { WebhookDeliveryStatus } from '../db/schema.js';
import { InvalidTransitionError } from '../shared/errors.js';

export type { WebhookDeliveryStatus } from '../db/schema.js';

/** What happens to a delivery. */
export type WebhookDeliveryEvent =
  /** A worker takes a due delivery (or one whose worker vanished) and starts an attempt. */
  | 'claim'
  /** The receiver answered 2xx. */
  | 'succeed'
  /** The attempt failed and the round has attempts left. */
  | 'retry'
  /** The attempt failed and it was the last of the round. */
  | 'exhaust'
  /** The receiver answered 410 or the endpoint was deleted: no retry is scheduled. */
  | 'give_up'
  /** An operator asks for a new attempt now (whatever the status). */
  | 'redeliver'
  /** An operator replays dead letters. */
  | 'replay';

const TRANSITIONS: Readonly<Record<WebhookDeliveryEvent, Partial<Record<WebhookDeliveryStatus, WebhookDeliveryStatus>>>> = {
  claim: { pending: 'delivering', delivering: 'delivering' },
  succeed: { delivering: 'succeeded' },
  retry: { delivering: 'pending' },
  exhaust: { delivering: 'dead_letter' },
  give_up: { pending: 'failed', delivering: 'failed' },
  redeliver: { pending: 'pending', delivering: 'pending', succeeded: 'pending', failed: 'pending', dead_letter: 'pending' },
  replay: { dead_letter: 'pending' },
};

/** The status after `event`, or InvalidTransitionError. */
export function nextWebhookDeliveryStatus(from: WebhookDeliveryStatus, event: WebhookDeliveryEvent): WebhookDeliveryStatus {
  const to = TRANSITIONS[event][from];
  if (!to) throw new InvalidTransitionError('webhook delivery', from, event);
  return to;
}
