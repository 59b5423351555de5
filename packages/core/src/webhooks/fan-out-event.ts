import { sql } from 'kysely';
import PQueue from 'p-queue';
import type { OutboxDispatchPayload } from '../outbox/outbox-dispatch-job.js';
import type { WebhookDeps } from './webhook-deps.js';
import { isDeliverableEventType } from './webhook-event-types.js';
import { runAttempt } from './run-attempt.js';
import type { AttemptTarget } from './perform-attempt.js';

/** What a fan-out did. */
export interface FanOutResult {
  /** Deliveries created by this call (a repeated dispatch of the same event creates none). */
  readonly created: number;
}

/**
 * Turns one outbox event into a delivery per matching endpoint (same tenant; enabled; type in its
 * filter or no filter; tenant-wide or of the event's project; registered by the time the event
 * happened) and makes each first attempt at once. Rows are unique per (endpoint, event), so a
 * duplicate dispatch after a crash or a queue redelivery creates nothing and sends nothing: the
 * rows it would have sent are `delivering` and the sweeper takes them over if their worker died.
 */
export async function fanOutEvent(deps: WebhookDeps, event: OutboxDispatchPayload): Promise<FanOutResult> {
  if (!isDeliverableEventType(event.type)) return { created: 0 };
  const occurredAt = new Date(event.occurredAt);
  let q = deps.db
    .selectFrom('webhook_endpoints')
    .select(['id', 'url', 'secret', 'previous_secret', 'previous_secret_expires_at', 'project_id'])
    .where('tenant_id', '=', event.tenantId)
    .where('enabled', '=', true)
    .where('deleted_at', 'is', null)
    .where('created_at', '<=', occurredAt)
    .where((eb) => eb.or([sql<boolean>`cardinality(event_types) = 0`, sql<boolean>`${event.type} = any(event_types)`]));
  q = event.projectId === null ? q.where('project_id', 'is', null) : q.where((eb) => eb.or([eb('project_id', 'is', null), eb('project_id', '=', event.projectId)]));
  const endpoints = await q.execute();
  if (endpoints.length === 0) return { created: 0 };

  const now = deps.clock.now();
  const created = await deps.db
    .insertInto('webhook_deliveries')
    .values(
      endpoints.map((e) => ({
        id: deps.ids.next(),
        tenant_id: event.tenantId,
        endpoint_id: e.id,
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
    .returning(['id', 'endpoint_id'])
    .execute();

  const byId = new Map(endpoints.map((e) => [e.id, e]));
  const delivered = { id: event.eventId, type: event.type, occurred_at: occurredAt, payload: event.data };
  const targets: AttemptTarget[] = created.map((d) => ({
    delivery: { id: d.id, tenant_id: event.tenantId, endpoint_id: d.endpoint_id, event_id: event.eventId, event_type: event.type, attempt: 1 },
    endpoint: byId.get(d.endpoint_id)!,
    event: delivered,
    startedAt: now,
  }));
  if (targets.length === 1) {
    await runAttempt(deps, targets[0]!);
  } else {
    const pool = new PQueue({ concurrency: deps.settings.fanOutConcurrency });
    await Promise.all(targets.map((t) => pool.add(() => runAttempt(deps, t))));
  }
  return { created: created.length };
}
