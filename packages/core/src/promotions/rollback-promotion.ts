import type { ServiceContext } from '../shared/context.js';
import { ConflictError, GateDeniedError, NotFoundError } from '../shared/errors.js';
import { isUuid } from '../shared/ids.js';
import { parseInput } from '../shared/parse-input.js';
import { lockTarget } from '../pointers/pointer-queries.js';
import { notesScanGate } from './promotion-gates.js';
import { RollbackPromotionInput, type Promotion } from './promotion.js';
import type { PromotionDeps } from './promotion-deps.js';
import { rollBackPointer } from './roll-back-pointer.js';

/**
 * `POST /promotions/{id}/rollback`: puts back the version the promotion replaced, in one
 * transaction holding the target lock — only while the pointer still serves this promotion's
 * version (else 409 naming what it serves now). History cause `rollback`, `model.rolled_back`.
 */
export async function rollbackPromotion(deps: PromotionDeps, ctx: ServiceContext, id: string, input?: unknown): Promise<Promotion> {
  const body = parseInput(RollbackPromotionInput, input ?? {}, 'rollback');
  const scan = await notesScanGate(deps.sanitizer, body.notes);
  if (scan.verdict === 'deny') throw new GateDeniedError(scan.reason ?? 'notes were refused by TRiSM', [{ gate: scan.gate, verdict: scan.verdict, ...(scan.reason ? { reason: scan.reason } : {}) }]);
  if (!isUuid(id)) throw new NotFoundError('promotion', id);
  const promotion = await deps.db.transaction().execute(async (trx) => {
    let q = trx.selectFrom('promotions').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', id);
    if (ctx.projectId) q = q.where('project_id', '=', ctx.projectId);
    const row = await q.forUpdate().executeTakeFirst();
    if (!row) throw new NotFoundError('promotion', id);
    if (row.decision !== 'promoted') throw new ConflictError(`promotion ${id} is ${row.decision}; only a promoted decision can be rolled back`, 'promotion_not_promoted');
    if (row.rolled_back_at) throw new ConflictError(`promotion ${id} was already rolled back`, 'promotion_rolled_back');
    const target = { type: row.target_type, value: row.target_value };
    const locked = await lockTarget(trx, ctx.tenantId, target);
    const current = locked?.model_version_id ?? null;
    if (!locked || current !== row.model_version_id) {
      throw new ConflictError(`the pointer has moved on: it serves ${current ?? 'nothing'}, not this promotion's version ${row.model_version_id}`, 'pointer_moved_on', {
        current_model_version_id: current,
      });
    }
    if (!row.previous_model_version_id) throw new ConflictError('this promotion created the pointer; there is no previous version to restore', 'nothing_to_restore');
    return rollBackPointer(trx, ctx, deps.bus, locked, {
      target,
      toModelVersionId: row.previous_model_version_id,
      cause: 'rollback',
      promotionId: row.id,
      notes: body.notes ?? null,
      summary: `rolled back promotion ${row.id}: ${target.type} ${target.value} serves ${row.previous_model_version_id} again`,
    });
  });
  await deps.bus.published({ tenantId: ctx.tenantId });
  return promotion;
}
