import type { Transaction } from 'kysely';
import type { DB, GateVerdictRecord } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { movePointer, type PointerMoved } from '../pointers/move-pointer.js';
import type { PointerChangeBus } from '../pointers/pointer-change-bus.js';
import type { PointerRow } from '../pointers/production-pointer.js';
import { recordPointerMove } from '../pointers/record-pointer-move.js';
import { regressionGate, versionStatusGate } from './promotion-gates.js';
import { withGate } from './promotion-decision.js';
import { toPromotion, type PromotionRow } from './promotion.js';

/**
 * The gates that depend on what the pointer serves, evaluated again under the target lock when
 * it changed since they were first evaluated (another promotion won the race). Reads only.
 */
export async function recheckServingGates(
  trx: Transaction<DB>,
  ctx: ServiceContext,
  gates: readonly GateVerdictRecord[],
  promotion: Pick<PromotionRow, 'model_version_id' | 'max_regression' | 'baseline'>,
  servingModelVersionId: string | null,
): Promise<GateVerdictRecord[]> {
  const version = await trx.selectFrom('model_versions').select(['id', 'status']).where('tenant_id', '=', ctx.tenantId).where('id', '=', promotion.model_version_id).executeTakeFirstOrThrow();
  let next = withGate(gates, versionStatusGate(version, servingModelVersionId));
  const runId = (promotion.baseline as { eval_run_id?: string }).eval_run_id;
  const run = runId ? await trx.selectFrom('eval_runs').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', runId).executeTakeFirst() : undefined;
  next = withGate(next, await regressionGate(trx, ctx, run, servingModelVersionId, promotion.max_regression));
  return next;
}

/**
 * Moves the target's pointer to a promoted version inside the transaction that holds the target
 * lock and already wrote the promotion row with decision `promoted`; links the pointer, writes
 * `model.promoted` and the audit row.
 */
export async function swapForPromotion(
  trx: Transaction<DB>,
  ctx: ServiceContext,
  bus: PointerChangeBus,
  row: PromotionRow,
  locked: PointerRow | undefined,
): Promise<{ row: PromotionRow; moved: PointerMoved }> {
  const moved = await movePointer(trx, ctx, bus, locked, {
    target: { type: row.target_type, value: row.target_value },
    projectId: row.project_id,
    toModelVersionId: row.model_version_id,
    cause: 'promotion',
    promotionId: row.id,
    notes: row.notes,
  });
  const linked = await trx
    .updateTable('promotions')
    .set({ pointer_id: moved.pointer.id, previous_model_version_id: moved.fromModelVersionId })
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordPointerMove(
    trx,
    ctx,
    moved,
    { promotion: toPromotion(linked) },
    `promoted model version ${row.model_version_id} to ${row.target_type} ${row.target_value} (pointer version ${moved.entry.seq})`,
  );
  return { row: linked, moved };
}
