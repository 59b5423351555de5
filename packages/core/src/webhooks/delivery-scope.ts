import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { NotFoundError } from '../shared/errors.js';
import { isUuid } from '../shared/ids.js';
import type { WebhookAttemptRow, WebhookDeliveryRow } from './webhook-delivery.js';

/**
 * Deliveries the caller may see: its tenant's, and only those to its project's endpoints when
 * the key is project-scoped.
 */
export function scopedDeliveries(db: Kysely<DB> | Transaction<DB>, ctx: ServiceContext) {
  let q = db.selectFrom('webhook_deliveries as d').selectAll('d').where('d.tenant_id', '=', ctx.tenantId);
  if (ctx.projectId) {
    const projectId = ctx.projectId;
    q = q.where((eb) =>
      eb.exists(eb.selectFrom('webhook_endpoints as e').select('e.id').whereRef('e.id', '=', 'd.endpoint_id').where('e.tenant_id', '=', ctx.tenantId).where('e.project_id', '=', projectId)),
    );
  }
  return q;
}

/** The delivery `id` in scope, or NotFoundError. */
export async function findDelivery(db: Kysely<DB> | Transaction<DB>, ctx: ServiceContext, id: string, options: { forUpdate?: boolean } = {}): Promise<WebhookDeliveryRow> {
  if (!isUuid(id)) throw new NotFoundError('webhook delivery', id);
  let q = scopedDeliveries(db, ctx).where('d.id', '=', id);
  if (options.forUpdate) q = q.forUpdate('d');
  const row = await q.executeTakeFirst();
  if (!row) throw new NotFoundError('webhook delivery', id);
  return row;
}

/** Attempt rows of some deliveries, grouped by delivery id. */
export async function attemptsOf(db: Kysely<DB> | Transaction<DB>, tenantId: string, ids: readonly string[]): Promise<Map<string, WebhookAttemptRow[]>> {
  const grouped = new Map<string, WebhookAttemptRow[]>();
  if (ids.length === 0) return grouped;
  const rows = await db.selectFrom('webhook_attempts').selectAll().where('tenant_id', '=', tenantId).where('delivery_id', 'in', ids).orderBy('delivery_id').orderBy('attempt').execute();
  for (const row of rows) {
    const list = grouped.get(row.delivery_id) ?? [];
    list.push(row);
    grouped.set(row.delivery_id, list);
  }
  return grouped;
}
