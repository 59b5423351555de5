import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_SCHEDULE_MS, nextRetry } from '../../src/webhooks/retry-schedule.js';
import { nextWebhookDeliveryStatus, type WebhookDeliveryEvent, type WebhookDeliveryStatus } from '../../src/webhooks/webhook-delivery-state-machine.js';
import { InvalidTransitionError } from '../../src/shared/errors.js';

const base = { schedule: DEFAULT_RETRY_SCHEDULE_MS, jitter: 0, retryAfterMs: null, maxRetryAfterMs: 86_400_000 };

describe('retry schedule', () => {
  it('waits 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h after the first seven failures, then dead-letters', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((n) => nextRetry({ ...base, attemptCount: n }));
    expect(delays.map((d) => (d.kind === 'retry' ? d.delayMs : null))).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    expect(nextRetry({ ...base, attemptCount: 8 })).toEqual({ kind: 'dead_letter' });
  });

  it('starts a new round after a dead letter is replayed', () => {
    expect(nextRetry({ ...base, attemptCount: 9 })).toEqual({ kind: 'retry', delayMs: 5_000 });
    expect(nextRetry({ ...base, attemptCount: 16 })).toEqual({ kind: 'dead_letter' });
  });

  it('spreads each delay by the jitter fraction', () => {
    expect(nextRetry({ ...base, jitter: 0.2, attemptCount: 1, random: () => 0 })).toEqual({ kind: 'retry', delayMs: 4_000 });
    expect(nextRetry({ ...base, jitter: 0.2, attemptCount: 1, random: () => 1 })).toEqual({ kind: 'retry', delayMs: 6_000 });
  });

  it('waits as long as Retry-After asks when that is longer, up to the cap', () => {
    expect(nextRetry({ ...base, attemptCount: 1, retryAfterMs: 60_000 })).toEqual({ kind: 'retry', delayMs: 60_000 });
    expect(nextRetry({ ...base, attemptCount: 3, retryAfterMs: 60_000 })).toEqual({ kind: 'retry', delayMs: 1_800_000 });
    expect(nextRetry({ ...base, attemptCount: 1, retryAfterMs: 10 ** 12, maxRetryAfterMs: 120_000 })).toEqual({ kind: 'retry', delayMs: 120_000 });
  });
});

describe('webhook delivery state machine', () => {
  const allowed: [WebhookDeliveryStatus, WebhookDeliveryEvent, WebhookDeliveryStatus][] = [
    ['pending', 'claim', 'delivering'],
    ['delivering', 'claim', 'delivering'],
    ['delivering', 'succeed', 'succeeded'],
    ['delivering', 'retry', 'pending'],
    ['delivering', 'exhaust', 'dead_letter'],
    ['delivering', 'give_up', 'failed'],
    ['pending', 'give_up', 'failed'],
    ['pending', 'redeliver', 'pending'],
    ['delivering', 'redeliver', 'pending'],
    ['succeeded', 'redeliver', 'pending'],
    ['failed', 'redeliver', 'pending'],
    ['dead_letter', 'redeliver', 'pending'],
    ['dead_letter', 'replay', 'pending'],
  ];
  const statuses: WebhookDeliveryStatus[] = ['pending', 'delivering', 'succeeded', 'failed', 'dead_letter'];
  const events: WebhookDeliveryEvent[] = ['claim', 'succeed', 'retry', 'exhaust', 'give_up', 'redeliver', 'replay'];

  it.each(allowed)('goes from %s by %s to %s', (from, event, to) => {
    expect(nextWebhookDeliveryStatus(from, event)).toBe(to);
  });

  const forbidden = statuses.flatMap((from) => events.map((event) => [from, event] as const)).filter(([from, event]) => !allowed.some(([f, e]) => f === from && e === event));
  it.each(forbidden)('refuses to go from %s by %s', (from, event) => {
    expect(() => nextWebhookDeliveryStatus(from, event)).toThrow(InvalidTransitionError);
  });
});
