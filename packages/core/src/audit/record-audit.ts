import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';

export interface AuditEntry {
  /** Verb on the resource, e.g. `model_version.create`, `promotion.rollback`. */
  readonly action: string;
  readonly resourceType: string;
  readonly resourceId: string | null;
  /** One human sentence; never secrets or raw PII. */
  readonly summary: string;
  readonly details?: Record<string, unknown>;
  readonly projectId?: string | null;
}

/** Writes an audit row inside the caller's transaction; returns its id. */
export async function recordAudit(trx: Transaction<DB>, ctx: ServiceContext, entry: AuditEntry): Promise<string> {
  const id = ctx.ids.next();
  await trx
    .insertInto('audit_events')
    .values({
      id,
      tenant_id: ctx.tenantId,
      project_id: entry.projectId ?? ctx.projectId,
      actor_type: ctx.actor.type,
      actor_id: ctx.actor.id,
      action: entry.action,
      resource_type: entry.resourceType,
      resource_id: entry.resourceId,
      request_id: ctx.requestId,
      summary: entry.summary,
      details: JSON.stringify(entry.details ?? {}),
      occurred_at: ctx.clock.now(),
    })
    .execute();
  return id;
}
