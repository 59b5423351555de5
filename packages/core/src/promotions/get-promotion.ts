import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { NotFoundError } from '../shared/errors.js';
import { isUuid } from '../shared/ids.js';
import { decodeIdCursor, toIdPage, type Page } from '../db/pagination.js';
import { parseInput } from '../shared/parse-input.js';
import { ListPromotionsInput, toPromotion, type Promotion } from './promotion.js';

/** `GET /promotions/{id}`: the tenant's (and, for a scoped key, its project's) promotion. */
export async function getPromotion(db: Kysely<DB>, ctx: ServiceContext, id: string): Promise<Promotion> {
  if (!isUuid(id)) throw new NotFoundError('promotion', id);
  let q = db.selectFrom('promotions').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', id);
  if (ctx.projectId) q = q.where('project_id', '=', ctx.projectId);
  const row = await q.executeTakeFirst();
  if (!row) throw new NotFoundError('promotion', id);
  return toPromotion(row);
}

/** `GET /promotions`: newest first, filtered by version, target and decision. */
export async function listPromotions(db: Kysely<DB>, ctx: ServiceContext, query: unknown): Promise<Page<Promotion>> {
  const q = parseInput(ListPromotionsInput, query ?? {}, 'promotion list query');
  let rows = db.selectFrom('promotions').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (ctx.projectId) rows = rows.where('project_id', '=', ctx.projectId);
  if (q.model_version_id) rows = rows.where('model_version_id', '=', q.model_version_id);
  if (q.target_type) rows = rows.where('target_type', '=', q.target_type);
  if (q.target_value) rows = rows.where('target_value', '=', q.target_value);
  if (q.decision) rows = rows.where('decision', '=', q.decision);
  if (q.cursor) rows = rows.where('id', '<', decodeIdCursor(q.cursor));
  return toIdPage(
    await rows
      .orderBy('id', 'desc')
      .limit(q.limit + 1)
      .execute(),
    q.limit,
    toPromotion,
  );
}
