import PQueue from 'p-queue';
import type { OutboxDispatchPayload } from '../outbox/outbox-jobs.js';
import type { WebhookDeps } from './webhook-deps.js';
import { isDeliverableEventType } from './webhook-event-types.js';
import { endpointReceives } from './endpoint-matching.js';
import { runAttempt } from './run-attempt.js';
import type { AttemptTarget } from './perform-attempt.js';

/** What a fan-out did. */
export interface FanOutResult {
  /** Deliveries created by this call (a repeated dispatch of the same events creates none). */
  readonly created: number;
}

/**
 * Turns a batch of outbox events into a delivery per (event, matching endpoint) — see
 * {@link endpointReceives} — and makes each first attempt at once. One query reads the candidate
 * endpoints of every tenant in the batch and one multi-row insert creates all the deliveries, so
 * the database work per event shrinks with the batch. Rows are unique per (endpoint, event): a
 * duplicate dispatch after a crash or a queue redelivery creates nothing and sends nothing (the
 * rows it would have sent are `delivering`, and the sweeper takes them over if their worker died).
 */
export async function fanOutEvents(deps: WebhookDeps, events: readonly OutboxDispatchPayload[]): Promise<FanOutResult> {
  const deliverable = events.filter((e) => isDeliverableEventType(e.type));
  if (deliverable.length === 0) return { created: 0 };
  const tenantIds = [...new Set(deliverable.map((e) => e.tenantId))];
  const latest = new Date(Math.max(...deliverable.map((e) => new Date(e.occurredAt).getTime())));
  const endpoints = await deps.db
    .selectFrom('webhook_endpoints')
    .select(['id', 'tenant_id', 'url', 'secret', 'previous_secret', 'previous_secret_expires_at', 'project_id', 'event_types', 'created_at'])
    .where('tenant_id', 'in', tenantIds)
    .where('enabled', '=', true)
    .where('deleted_at', 'is', null)
    .where('created_at', '<=', latest)
    .execute();
  const pairs = deliverable.flatMap((event) => endpoints.filter((e) => endpointReceives(e, event)).map((endpoint) => ({ event, endpoint })));
  if (pairs.length === 0) return { created: 0 };

  const now = deps.clock.now();
  const created = await deps.db
    .insertInto('webhook_deliveries')
    .values(
      pairs.map(({ event, endpoint }) => ({
        id: deps.ids.next(),
        tenant_id: event.tenantId,
        endpoint_id: endpoint.id,
        event_id: event.eventId,
        event_type: event.type,
        // Claimed at birth: the first attempt is made right here, without a queue round trip.
        status: 'delivering' as const,
        attempt_count: 1,
        last_attempt_at: now,
        created_at: now,
        updated_at: now,
      })),
    )
    .onConflict((oc) => oc.columns(['endpoint_id', 'event_id']).doNothing())
    .returning(['id', 'endpoint_id', 'event_id'])
    .execute();

  const endpointById = new Map(endpoints.map((e) => [e.id, e]));
  const eventById = new Map(deliverable.map((e) => [e.eventId, e]));
  const targets: AttemptTarget[] = created.map((d) => {
    const event = eventById.get(d.event_id)!;
    return {
      delivery: { id: d.id, tenant_id: event.tenantId, endpoint_id: d.endpoint_id, event_id: event.eventId, event_type: event.type, attempt: 1 },
      endpoint: endpointById.get(d.endpoint_id)!,
      event: { id: event.eventId, type: event.type, occurred_at: event.occurredAt, payload: event.data },
      startedAt: now,
    };
  });
  if (targets.length === 1) {
    await runAttempt(deps, targets[0]!);
  } else {
    const pool = new PQueue({ concurrency: deps.settings.fanOutConcurrency });
    await Promise.all(targets.map((t) => pool.add(() => runAttempt(deps, t))));
  }
  return { created: created.length };
}

/** {@link fanOutEvents} for one event. */
export function fanOutEvent(deps: WebhookDeps, event: OutboxDispatchPayload): Promise<FanOutResult> {
  return fanOutEvents(deps, [event]);
}
