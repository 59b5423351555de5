import { z } from 'zod';
import type { ServiceContext } from '../shared/context.js';
import { ConflictError, ForbiddenError, GateDeniedError, NotFoundError } from '../shared/errors.js';
import { parseInput } from '../shared/parse-input.js';
import { latestCompletedRun, notesScanGate } from '../promotions/promotion-gates.js';
import type { PromotionDeps } from '../promotions/promotion-deps.js';
import { baselineFromRun } from './baseline.js';
import { insertReEval } from './insert-re-eval.js';
import { findPointer, loadPointer, lockTarget } from '../pointers/pointer-queries.js';
import { movePointer } from '../pointers/move-pointer.js';
import { recordPointerMove } from '../pointers/record-pointer-move.js';
import { toProductionPointer, type ProductionPointer } from '../pointers/production-pointer.js';

/** Body of `PATCH /production-pointers/{id}`: notes are required. */
export const OverridePointerInput = z.strictObject({
  model_version_id: z.uuid(),
  notes: z.string().trim().min(1).max(2000),
  eval_suite_id: z.uuid().optional(),
});
export type OverridePointerInput = z.infer<typeof OverridePointerInput>;

/** The policy of the regression re-eval an override schedules: report any significant drop, never roll back. */
const OVERRIDE_POLICY = { max_score_drop: 0, auto_rollback: false } as const;

/** The suite to re-evaluate with: the one asked for, else the last promotion's on this pointer. */
async function regressionSuite(deps: PromotionDeps, ctx: ServiceContext, pointerId: string, requested: string | undefined): Promise<string | null> {
  if (requested) {
    const suite = await deps.db.selectFrom('eval_suites').select('id').where('tenant_id', '=', ctx.tenantId).where('id', '=', requested).executeTakeFirst();
    if (!suite) throw new NotFoundError('eval_suite', requested);
    return suite.id;
  }
  const last = await deps.db
    .selectFrom('promotions')
    .select('eval_suite_id')
    .where('tenant_id', '=', ctx.tenantId)
    .where('pointer_id', '=', pointerId)
    .where('eval_suite_id', 'is not', null)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return last?.eval_suite_id ?? null;
}

/**
 * `PATCH /production-pointers/{id}`, the emergency override (admin only): points the target at
 * another version at once, bypassing promotion gates except the TRiSM scan of the (required)
 * notes and governance `pointer.override`. In one transaction: history cause `override`, audit
 * row with the notes, `model.override`, and an immediate regression re-eval of the new version
 * against the one it replaced (when a suite is known).
 */
export async function overrideProductionPointer(deps: PromotionDeps, ctx: ServiceContext, id: string, input: unknown): Promise<ProductionPointer> {
  if (ctx.actor.role !== 'admin') throw new ForbiddenError('overriding a production pointer needs an admin API key');
  const body = parseInput(OverridePointerInput, input, 'override');
  const pointer = await findPointer(deps.db, ctx, id);
  const version = await deps.db.selectFrom('model_versions').select(['id', 'status']).where('tenant_id', '=', ctx.tenantId).where('id', '=', body.model_version_id).executeTakeFirst();
  if (!version) throw new NotFoundError('model_version', body.model_version_id);
  if (version.status === 'retired') throw new ConflictError(`model version ${version.id} is retired and cannot serve`, 'model_version_retired');
  const scan = await notesScanGate(deps.sanitizer, body.notes);
  if (scan.verdict === 'deny') throw new GateDeniedError(scan.reason ?? 'notes were refused by TRiSM', [{ gate: scan.gate, verdict: scan.verdict, ...(scan.reason ? { reason: scan.reason } : {}) }]);
  const decision = await deps.governance.check({
    action: 'pointer.override',
    tenantId: ctx.tenantId,
    projectId: pointer.project_id,
    actor: ctx.actor,
    resource: { type: 'production_pointer', id: pointer.id, attributes: { target_type: pointer.target_type, target_value: pointer.target_value, model_version_id: version.id } },
    context: { request_id: ctx.requestId },
  });
  if (decision.decision === 'deny') {
    const reason = decision.reasons.join('; ') || 'denied';
    throw new GateDeniedError(`governance denied pointer.override: ${reason}`, [
      { gate: scan.gate, verdict: scan.verdict, ...(scan.reason ? { reason: scan.reason } : {}) },
      { gate: 'governance', verdict: 'deny', reason, decisionId: decision.decisionId },
    ]);
  }
  const suiteId = await regressionSuite(deps, ctx, pointer.id, body.eval_suite_id);
  const target = { type: pointer.target_type, value: pointer.target_value };

  const { result, moved } = await deps.db.transaction().execute(async (trx) => {
    const locked = await lockTarget(trx, ctx.tenantId, target);
    if (!locked) throw new NotFoundError('production_pointer', id);
    // Overriding to what already serves is a repeat of a finished override: nothing to do.
    if (locked.model_version_id === version.id) return { result: toProductionPointer(await loadPointer(trx, ctx.tenantId, locked.id), ctx.clock.now()), moved: false };
    const movedTo = await movePointer(trx, ctx, deps.bus, locked, { target, projectId: locked.project_id, toModelVersionId: version.id, cause: 'override', promotionId: null, notes: body.notes });
    let reEvalId: string | null = null;
    if (suiteId) {
      const replacedRun = await latestCompletedRun(trx, ctx.tenantId, locked.model_version_id, suiteId);
      const reEval = await insertReEval(trx, ctx, {
        projectId: locked.project_id,
        name: `regression check after override of ${target.type} ${target.value}`,
        evalSuiteId: suiteId,
        target,
        model: null,
        schedule: { type: 'immediate' },
        policy: OVERRIDE_POLICY,
        // The new version is judged against the one it replaced.
        baseline: replacedRun ? baselineFromRun(replacedRun, version.id) : null,
        promotionId: null,
      });
      reEvalId = reEval.id;
    }
    await recordPointerMove(trx, ctx, movedTo, { re_eval_id: reEvalId }, `emergency override of ${target.type} ${target.value} to ${version.id}: ${body.notes}`);
    return { result: movedTo.pointer, moved: true };
  });
  if (moved) await deps.bus.published({ tenantId: ctx.tenantId });
  return result;
}
