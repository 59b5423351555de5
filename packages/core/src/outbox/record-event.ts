import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';

export interface DomainEvent {
  /** Dotted type, e.g. `model_version.created`, `ft_job.updated`, `model.promoted`. */
  readonly type: string;
  readonly resourceType: string;
  readonly resourceId: string | null;
  /** The event's `data`, as webhooks and the SSE stream deliver it. */
  readonly payload: Record<string, unknown>;
  readonly projectId?: string | null;
}

/** Writes an event to the outbox inside the caller's transaction; returns its id. */
export async function recordEvent(trx: Transaction<DB>, ctx: ServiceContext, event: DomainEvent): Promise<string> {
  const id = ctx.ids.next();
  await trx
    .insertInto('outbox_events')
    .values({
      id,
      tenant_id: ctx.tenantId,
      project_id: event.projectId ?? ctx.projectId,
      type: event.type,
      resource_type: event.resourceType,
      resource_id: event.resourceId,
      payload: JSON.stringify(event.payload),
      request_id: ctx.requestId,
      occurred_at: ctx.clock.now(),
    })
    .execute();
  if (ctx.idempotency && event.resourceId) {
    // The first resource this request's state change touches, committed with it: a retry after a
    // crash before the response was stored is answered from it (IdempotencyService.begin).
    await trx
      .updateTable('idempotency_records')
      .set({ resource_type: event.resourceType, resource_id: event.resourceId })
      .where('tenant_id', '=', ctx.tenantId)
      .where('key', '=', ctx.idempotency.key)
      .where('request_hash', '=', ctx.idempotency.requestHash)
      .where('state', '=', 'in_flight')
      .where('resource_id', 'is', null)
      .execute();
  }
  return id;
}
