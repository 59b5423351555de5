import { createHash } from 'node:crypto';
import { z } from 'zod';
import { defineJob } from '../shared/job-definition.js';

/** The queue job the relay enqueues for every batch of outbox events it takes in one pass. */
export const OUTBOX_DISPATCH_JOB = 'outbox.dispatch';

/** One outbox event as webhooks, audit forwarding and SSE need it. */
export const OutboxDispatchPayload = z.object({
  eventId: z.string().uuid(),
  seq: z.number().int().nonnegative(),
  type: z.string().min(1),
  tenantId: z.string().uuid(),
  projectId: z.string().uuid().nullable(),
  resourceType: z.string().min(1),
  resourceId: z.string().nullable(),
  requestId: z.string().nullable(),
  occurredAt: z.string().datetime({ offset: true }),
  data: z.record(z.string(), z.unknown()),
});
export type OutboxDispatchPayload = z.infer<typeof OutboxDispatchPayload>;

/** Payload of an `outbox.dispatch` job: the events of one relay pass, in seq order. */
export const OutboxDispatchBatch = z.object({ events: z.array(OutboxDispatchPayload).min(1) });
export type OutboxDispatchBatch = z.infer<typeof OutboxDispatchBatch>;

/**
 * What an `outbox.dispatch` job may carry: a batch, or the single event a relay of an earlier
 * release enqueued (still in the queue after an upgrade). Either parses to a batch.
 */
export const OutboxDispatchJobPayload = z.union([OutboxDispatchBatch, OutboxDispatchPayload]).transform((p): OutboxDispatchBatch => ('events' in p ? p : { events: [p] }));

/**
 * The job id of a batch: a digest of exactly its event ids, so the same batch enqueued twice
 * (a relay that crashed before marking it) is deduplicated, while a batch that overlaps it but
 * holds other events too is not (it must not be dropped as a duplicate).
 */
export function dispatchBatchJobId(eventIds: readonly string[]): string {
  const digest = createHash('sha256').update(eventIds.join(',')).digest('base64url').slice(0, 32);
  return `outbox.${digest}`;
}

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
