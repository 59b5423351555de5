import { OUTBOX_DISPATCH_JOB, OutboxDispatchPayload } from '@ftm/core';
import { defineJob } from '../job-catalog.js';

/**
 * The job the outbox relay enqueues for every event. Its handler fans the event out (webhook
 * deliveries, audit forwarding); it must be idempotent on `eventId`, since delivery is at least once.
 */
export const outboxDispatchJob = defineJob({
  name: OUTBOX_DISPATCH_JOB,
  schema: OutboxDispatchPayload,
  retry: { maxAttempts: 10, backoffMs: 1_000 },
  timeoutMs: 30_000,
});
