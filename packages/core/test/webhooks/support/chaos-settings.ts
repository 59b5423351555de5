import type { WebhookSettingsInput } from '../../../src/webhooks/webhook-settings.js';

/**
 * Delivery settings of the chaos test, shared by the parent and its child workers: a shrunken
 * schedule long enough that 30 % random failures never exhaust it (0.3^12 × 2,000 ≈ 0.001), and
 * short deadlines so the deliveries a killed worker held are taken over quickly.
 */
export const CHAOS_WEBHOOK_SETTINGS: WebhookSettingsInput = {
  destinationAllowlist: ['127.0.0.1'],
  retryScheduleMs: [0, 20, 50, 100, 150, 200, 250, 300, 300, 300, 300, 300],
  retryJitter: 0.2,
  timeoutMs: 2_000,
  staleAfterMs: 4_000,
  overdueAfterMs: 1_000,
};

/** Lease of the child workers' queue jobs: a killed worker's jobs are handed out again after it. */
export const CHAOS_VISIBILITY_TIMEOUT_MS = 2_000;
