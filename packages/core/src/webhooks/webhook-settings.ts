import { z } from 'zod';
import { DEFAULT_RETRY_SCHEDULE_MS } from './retry-schedule.js';
import { assertSigningKey } from './webhook-secret.js';

/** Tuning and keys of webhook delivery; the apps build it from FTM_* variables once at start. */
export const WebhookSettings = z.object({
  /** FTM_WEBHOOK_SIGNING_KEY: signs endpoints created with `secret_source: signing_key`. */
  signingKey: z.string().nullable().default(null),
  /** Previous signing keys still accepted during a key rotation (their signatures are added). */
  previousSigningKeys: z.array(z.string()).default([]),
  /** FTM_ENV=dev: private, loopback and plain-http destinations are allowed. */
  allowPrivateDestinations: z.boolean().default(false),
  /** IP addresses, CIDR ranges or host names allowed even though they are not public. */
  destinationAllowlist: z.array(z.string()).default([]),
  /** Per-attempt deadline covering connect, headers and body. */
  timeoutMs: z.number().int().positive().default(15_000),
  /** Delay before each attempt of a round; the first is normally 0 (immediately). */
  retryScheduleMs: z
    .array(z.number().int().nonnegative())
    .min(1)
    .default([...DEFAULT_RETRY_SCHEDULE_MS]),
  /** Delays of the schedule a manual redeliver's fresh sequence uses (its attempts, the redelivered one included). */
  redeliverRetrySteps: z.number().int().min(1).default(3),
  /** ±fraction applied to every delay. */
  retryJitter: z.number().min(0).max(1).default(0.2),
  /** Longest Retry-After (429/503) honoured. */
  maxRetryAfterMs: z
    .number()
    .int()
    .nonnegative()
    .default(24 * 60 * 60 * 1000),
  /** Bytes of the receiver's answer kept on the attempt. */
  responseExcerptBytes: z.number().int().min(0).max(1024).default(1024),
  /** Default rotation overlap when the request does not say. */
  rotationOverlapMs: z
    .number()
    .int()
    .nonnegative()
    .default(24 * 60 * 60 * 1000),
  /** A `delivering` delivery older than this lost its worker and is claimed again. */
  staleAfterMs: z.number().int().positive().optional(),
  /** A `pending` delivery this overdue lost its queue job and is enqueued again by the sweeper. */
  overdueAfterMs: z.number().int().nonnegative().default(30_000),
  /** Concurrent first attempts of one `outbox.dispatch` batch (per job, per worker process). */
  fanOutConcurrency: z.number().int().positive().default(64),
  /** Keep-alive connections per destination (scheme, host, port) and worker process; more requests wait for one. */
  maxConnectionsPerDestination: z.number().int().positive().default(256),
  /** How long a destination's DNS answer is reused (the policy still judges it on every attempt). */
  dnsCacheMs: z.number().int().nonnegative().default(5_000),
});
export type WebhookSettings = z.output<typeof WebhookSettings>;
/** What callers may pass: every field optional. */
export type WebhookSettingsInput = z.input<typeof WebhookSettings>;

/** Parses settings, checks the signing keys, and fills `staleAfterMs` from the timeout. */
export function resolveWebhookSettings(input: WebhookSettingsInput = {}): WebhookSettings & { readonly staleAfterMs: number } {
  const settings = WebhookSettings.parse(input);
  if (settings.signingKey !== null) assertSigningKey(settings.signingKey, 'FTM_WEBHOOK_SIGNING_KEY');
  settings.previousSigningKeys.forEach((k) => assertSigningKey(k, 'FTM_WEBHOOK_PREVIOUS_SIGNING_KEYS'));
  return { ...settings, staleAfterMs: settings.staleAfterMs ?? settings.timeoutMs * 2 + 5_000 };
}
