import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ModelRef } from '../evals/model-ref.js';
import type { EvalRunRow } from '../evals/eval-run.js';
import { latestCompletedRun, runScore } from '../promotions/promotion-gates.js';
import { baselineOf } from '../promotions/promotion.js';
import type { Target } from '../pointers/target.js';
import type { StoredBaseline } from './re-eval.js';

/** The key a baseline applies to: the model version, or the model ref when it is not registered. */
export function modelKey(modelVersionId: string | null, ref: ModelRef | null): string {
  if (modelVersionId) return modelVersionId;
  return ref ? `ref:${ref.type}:${ref.value}` : 'ref:none';
}

/** A baseline made of one completed eval run. */
export function baselineFromRun(run: EvalRunRow, appliesTo: string): StoredBaseline {
  return { eval_run_id: run.id, model_version_id: run.model_version_id, score: runScore(run), cost_usd: Number(run.cost_usd), applies_to: appliesTo };
}

/** The baseline a promotion took for the version serving a target, while that promotion is in effect. */
export async function promotionBaseline(db: Kysely<DB>, tenantId: string, target: Target, modelVersionId: string): Promise<{ promotionId: string; baseline: StoredBaseline } | null> {
  const row = await db
    .selectFrom('promotions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('target_type', '=', target.type)
    .where('target_value', '=', target.value)
    .where('model_version_id', '=', modelVersionId)
    .where('decision', '=', 'promoted')
    .where('rolled_back_at', 'is', null)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const b = row ? baselineOf(row) : null;
  if (!row || !b?.eval_run_id) return null;
  return { promotionId: row.id, baseline: { eval_run_id: b.eval_run_id, model_version_id: modelVersionId, score: b.score, cost_usd: b.cost_usd, applies_to: modelVersionId } };
}

/**
 * What a re-eval of `modelVersionId` on a suite compares with when nothing more specific is
 * stored: the promotion that put it behind the target, else its own latest completed eval on the
 * suite; null when it has neither (the first run then becomes the baseline).
 */
export async function defaultBaseline(
  db: Kysely<DB>,
  tenantId: string,
  evalSuiteId: string,
  target: Target | null,
  modelVersionId: string | null,
  ref: ModelRef | null,
): Promise<StoredBaseline | null> {
  if (target && modelVersionId) {
    const promoted = await promotionBaseline(db, tenantId, target, modelVersionId);
    if (promoted) return promoted.baseline;
  }
  if (!modelVersionId) return null;
  const run = await latestCompletedRun(db, tenantId, modelVersionId, evalSuiteId);
  return run ? baselineFromRun(run, modelKey(modelVersionId, ref)) : null;
}
