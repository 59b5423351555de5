import type { ServiceContext } from '../shared/context.js';
import { ConflictError } from '../shared/errors.js';
import { recordEvent } from '../outbox/record-event.js';
import { recordAudit } from '../audit/record-audit.js';
import { compareEvalRuns } from '../evals/compare-eval-runs.js';
import type { EvalRunRow } from '../evals/eval-run.js';
import type { ModelRef } from '../evals/model-ref.js';
import { runScore } from '../promotions/promotion-gates.js';
import { autoRollback, type AutoRollbackOutcome } from './auto-rollback.js';
import { baselineFromRun, defaultBaseline, modelKey } from './baseline.js';
import { monitorContext, type MonitoringDeps } from './monitoring-deps.js';
import { assessRegression, riskOf } from './regression.js';
import { storedBaseline, toReEvalRun, type ReEvalPolicy, type ReEvalRegression, type ReEvalRow, type StoredBaseline } from './re-eval.js';

const FINISHED = ['completed', 'stopped', 'failed', 'canceled'] as const;
const NO_REGRESSION = { score: null, baseline_score: null, score_delta: null, cost_increase_pct: null, risk_delta: null, significant: null, confidence_interval: null } as const;

/**
 * Closes a run that never produced an eval (nothing served, eval refused or failed): nothing is
 * detected, and `reasons` says why. Idempotent: a closed run stays as it was.
 */
export async function completeReEvalRun(deps: MonitoringDeps, ctx: ServiceContext, runId: string, why: { reasons: string[]; message: string }): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const row = await trx
      .updateTable('re_eval_runs')
      .set({ regression: JSON.stringify({ ...NO_REGRESSION, reasons: why.reasons }), completed_at: now })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', runId)
      .where('completed_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (!row) return;
    await recordEvent(trx, ctx, { type: 're_eval.run_completed', resourceType: 're_eval', resourceId: row.re_eval_id, payload: { re_eval_id: row.re_eval_id, run: toReEvalRun(row) } });
    await recordAudit(trx, ctx, {
      action: 're_eval.run_skip',
      resourceType: 're_eval',
      resourceId: row.re_eval_id,
      summary: `re-eval run ${row.id} did not evaluate: ${why.message}`,
      details: { run_id: row.id, reasons: why.reasons },
    });
  });
}

/** The baseline this run compares with (stored for its model, else the default); null makes this run the baseline. */
async function baselineFor(deps: MonitoringDeps, reEval: ReEvalRow, evalRun: EvalRunRow): Promise<StoredBaseline | null> {
  const key = modelKey(evalRun.model_version_id, reEval.model_ref as ModelRef | null);
  const stored = storedBaseline(reEval);
  if (stored?.eval_run_id && stored.applies_to === key) return stored;
  const target = reEval.target_type && reEval.target_value ? { type: reEval.target_type, value: reEval.target_value } : null;
  return defaultBaseline(deps.db, reEval.tenant_id, reEval.eval_suite_id, target, evalRun.model_version_id, reEval.model_ref as ModelRef | null);
}

async function measure(deps: MonitoringDeps, ctx: ServiceContext, evalRun: EvalRunRow, baseline: StoredBaseline, policy: ReEvalPolicy): Promise<ReEvalRegression> {
  const base = baseline.eval_run_id ? await deps.db.selectFrom('eval_runs').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', baseline.eval_run_id).executeTakeFirst() : undefined;
  let comparison = null;
  if (base) {
    try {
      comparison = (await compareEvalRuns(deps.db, ctx, evalRun.id, { baseline: base.id })).aggregate;
    } catch (error) {
      // Different suite versions or no common case: fall back on the aggregate scores.
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  return assessRegression(
    {
      score: runScore(evalRun),
      baselineScore: baseline.score,
      comparison,
      costUsd: Number(evalRun.cost_usd),
      baselineCostUsd: baseline.cost_usd,
      risk: riskOf(evalRun.metrics),
      baselineRisk: base ? riskOf(base.metrics) : null,
    },
    policy,
  );
}

/**
 * Judges one run whose eval has finished: compares it with its baseline under the policy, records
 * the regression, emits `regression.detected` (and rolls the target back when the policy says so
 * and the target still serves the regressed version), all in one transaction. A run without a
 * baseline becomes the re-eval's baseline. Returns whether a pointer moved.
 */
export async function finishReEvalRun(deps: MonitoringDeps, runId: string): Promise<boolean> {
  const run = await deps.db.selectFrom('re_eval_runs').selectAll().where('id', '=', runId).executeTakeFirstOrThrow();
  if (run.completed_at || !run.eval_run_id) return false;
  const ctx = monitorContext(deps, run.tenant_id, `re-eval-${run.id}`);
  const evalRun = await deps.db.selectFrom('eval_runs').selectAll().where('tenant_id', '=', run.tenant_id).where('id', '=', run.eval_run_id).executeTakeFirstOrThrow();
  if (evalRun.status === 'failed' || evalRun.status === 'canceled') {
    await completeReEvalRun(deps, ctx, run.id, { reasons: ['eval_failed'], message: `eval run ${evalRun.id} ${evalRun.status}` });
    return false;
  }
  const reEval = await deps.db.selectFrom('re_evals').selectAll().where('id', '=', run.re_eval_id).executeTakeFirstOrThrow();
  const policy = reEval.policy as ReEvalPolicy;
  const baseline = await baselineFor(deps, reEval, evalRun);
  const regression = baseline ? await measure(deps, ctx, evalRun, baseline, policy) : { ...NO_REGRESSION, score: runScore(evalRun), reasons: [] };
  const detected = regression.reasons.length > 0;
  const target = reEval.target_type && reEval.target_value ? { type: reEval.target_type, value: reEval.target_value } : null;

  const moved = await deps.db.transaction().execute(async (trx) => {
    const open = await trx.selectFrom('re_eval_runs').select('id').where('id', '=', run.id).where('completed_at', 'is', null).forUpdate().executeTakeFirst();
    if (!open) return false;
    const now = ctx.clock.now();
    if (!baseline) {
      const first = baselineFromRun(evalRun, modelKey(evalRun.model_version_id, reEval.model_ref as ModelRef | null));
      await trx
        .updateTable('re_evals')
        .set({ baseline: JSON.stringify(first), updated_at: now })
        .where('id', '=', reEval.id)
        .execute();
    }
    let outcome: AutoRollbackOutcome | null = null;
    if (detected && policy.auto_rollback) {
      outcome =
        target && run.model_version_id
          ? await autoRollback(trx, ctx, deps.bus, target, run.model_version_id, `regression detected by re-eval ${reEval.id} (eval run ${evalRun.id}): ${regression.reasons.join(', ')}`)
          : { rolledBack: false, reason: 'a fixed model has no pointer to roll back' };
    }
    const updated = await trx
      .updateTable('re_eval_runs')
      .set({ regression: JSON.stringify(regression), detected, action_taken: outcome ? (outcome.rolledBack ? 'rolled_back' : 'rollback_skipped') : 'none', completed_at: now })
      .where('id', '=', run.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const view = toReEvalRun(updated);
    await recordEvent(trx, ctx, { type: 're_eval.run_completed', resourceType: 're_eval', resourceId: reEval.id, projectId: reEval.project_id, payload: { re_eval_id: reEval.id, run: view } });
    if (detected) {
      await recordEvent(trx, ctx, {
        type: 'regression.detected',
        resourceType: 're_eval',
        resourceId: reEval.id,
        projectId: reEval.project_id,
        payload: { re_eval_id: reEval.id, run: view, target, model_version_id: run.model_version_id, rolled_back: outcome?.rolledBack ?? false },
      });
    }
    await recordAudit(trx, ctx, {
      action: detected ? 're_eval.regression' : 're_eval.run_complete',
      resourceType: 're_eval',
      resourceId: reEval.id,
      projectId: reEval.project_id,
      summary: detected
        ? `regression (${regression.reasons.join(', ')}) in re-eval ${reEval.id}: score ${regression.score} vs baseline ${regression.baseline_score}${outcome ? `; ${outcome.rolledBack ? `rolled back to ${outcome.toModelVersionId}` : `rollback skipped: ${outcome.reason}`}` : ''}`
        : `re-eval ${reEval.id} run ${run.id}: no regression (score ${regression.score}${baseline ? ` vs baseline ${regression.baseline_score}` : ', now the baseline'})`,
      details: { run_id: run.id, eval_run_id: evalRun.id, regression, action_taken: view.action_taken },
    });
    return outcome?.rolledBack ?? false;
  });
  if (moved) await deps.bus.published({ tenantId: run.tenant_id });
  return moved;
}

/** Judges every open run whose eval has finished (up to `limit`); returns how many. */
export async function finishReEvalRuns(deps: MonitoringDeps, limit = 50): Promise<number> {
  const ready = await deps.db
    .selectFrom('re_eval_runs as r')
    .innerJoin('eval_runs as e', (j) => j.onRef('e.id', '=', 'r.eval_run_id').onRef('e.tenant_id', '=', 'r.tenant_id'))
    .select('r.id')
    .where('r.completed_at', 'is', null)
    .where('e.status', 'in', [...FINISHED])
    .orderBy('r.created_at')
    .limit(limit)
    .execute();
  for (const { id } of ready) await finishReEvalRun(deps, id);
  return ready.length;
}
