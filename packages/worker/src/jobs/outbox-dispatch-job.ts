import { OUTBOX_DISPATCH_JOB, OutboxDispatchJobPayload } from '@ftm/core';
import { defineJob } from '../job-catalog.js';

/**
 * The job the outbox relay enqueues for every batch of events (a single-event payload from an
 * earlier release parses to a batch of one). Its handler fans the events out (webhook
 * deliveries); it must be idempotent on each `eventId`, since delivery is at least once.
 */
export const outboxDispatchJob = defineJob({
  name: OUTBOX_DISPATCH_JOB,
  schema: OutboxDispatchJobPayload,
  retry: { maxAttempts: 10, backoffMs: 1_000 },
  // A batch's first attempts run `fanOutConcurrency` (64) at a time, each within the 15 s attempt
  // deadline: a batch of 100 events to a receiver that never answers takes two rounds (30 s).
  // Past this limit the job is retried and creates nothing, and the sweeper covers the rest.
  timeoutMs: 120_000,
});
