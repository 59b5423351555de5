import { z } from 'zod';

/** The queue job the relay enqueues for every outbox event; its job id is the event id. */
export const OUTBOX_DISPATCH_JOB = 'outbox.dispatch';

/** Payload of an `outbox.dispatch` job: the event as webhooks, audit forwarding and SSE need it. */
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
