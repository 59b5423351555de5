import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { NotFoundError } from '../shared/errors.js';
import { isUuid } from '../shared/ids.js';
import { toAuditEvent, type AuditEvent } from './audit-event.js';

/** `GET /audit-events/{id}`; another tenant's (or project's, for a scoped key) row is not found. */
export async function getAuditEvent(db: Kysely<DB>, ctx: ServiceContext, id: string): Promise<AuditEvent> {
  if (!isUuid(id)) throw new NotFoundError('audit event', id);
  let q = db.selectFrom('audit_events').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', id);
  if (ctx.projectId) q = q.where('project_id', '=', ctx.projectId);
  const row = await q.executeTakeFirst();
  if (!row) throw new NotFoundError('audit event', id);
  return toAuditEvent(row);
}
