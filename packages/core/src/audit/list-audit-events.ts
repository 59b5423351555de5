import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { decodeTimeCursor, toPage, type Page } from '../db/pagination.js';
import { parseInput } from '../shared/parse-input.js';
import { ListAuditEventsInput, toAuditEvent, type AuditEvent } from './audit-event.js';

/**
 * `GET /audit-events`: the tenant's trail (a project-scoped key sees its project's rows), newest
 * first by (occurred_at, id), filtered by resource, action, actor and time window.
 */
export async function listAuditEvents(db: Kysely<DB>, ctx: ServiceContext, query: unknown): Promise<Page<AuditEvent>> {
  const input = parseInput(ListAuditEventsInput, query, 'query');
  let q = db.selectFrom('audit_events').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (ctx.projectId) q = q.where('project_id', '=', ctx.projectId);
  if (input.resource_type) q = q.where('resource_type', '=', input.resource_type);
  if (input.resource_id) q = q.where('resource_id', '=', input.resource_id);
  if (input.action) q = q.where('action', '=', input.action);
  if (input.actor_id) q = q.where('actor_id', '=', input.actor_id);
  if (input.since) q = q.where('occurred_at', '>=', new Date(input.since));
  if (input.until) q = q.where('occurred_at', '<', new Date(input.until));
  if (input.cursor) {
    const after = decodeTimeCursor(input.cursor);
    q = q.where((eb) => eb.or([eb('occurred_at', '<', after.createdAt), eb.and([eb('occurred_at', '=', after.createdAt), eb('id', '<', after.id)])]));
  }
  const rows = await q
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(input.limit + 1)
    .execute();
  return toPage(rows, input.limit, toAuditEvent, (row) => ({ created_at: new Date(row.occurred_at).toISOString(), id: row.id }));
}
