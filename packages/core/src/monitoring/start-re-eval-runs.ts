import { FtmError } from '../shared/errors.js';
import type { ModelRef } from '../evals/model-ref.js';
import { nextCronRun } from './cron-schedule.js';
import { monitorContext, type MonitoringDeps } from './monitoring-deps.js';
import { completeReEvalRun } from './finish-re-eval-run.js';
import type { ReEvalRow, ReEvalRunRow } from './re-eval.js';

/** A run slot the scheduler claimed, with its re-eval. */
interface ClaimedRun {
  readonly reEval: ReEvalRow;
  readonly run: ReEvalRunRow;
}

/**
 * Claims the re-evals due at `now` (SKIP LOCKED, so two schedulers never take the same one) and,
 * in the same transaction, records one run per due slot — unique per (re-eval, slot), so a slot
 * runs once however many schedulers see it — and moves each re-eval to its next firing. Then
 * starts the eval runs. Returns how many runs were started.
 */
export async function startDueReEvals(deps: MonitoringDeps, now: Date, limit = 20): Promise<number> {
  const claimed = await deps.db.transaction().execute(async (trx) => {
    const due = await trx.selectFrom('re_evals').selectAll().where('status', '=', 'active').where('next_run_at', '<=', now).orderBy('next_run_at').limit(limit).forUpdate().skipLocked().execute();
    const out: ClaimedRun[] = [];
    for (const reEval of due) {
      const run = await trx
        .insertInto('re_eval_runs')
        .values({ id: deps.ids.next(), tenant_id: reEval.tenant_id, re_eval_id: reEval.id, scheduled_for: reEval.next_run_at!, created_at: now })
        .onConflict((oc) => oc.columns(['re_eval_id', 'scheduled_for']).doNothing())
        .returningAll()
        .executeTakeFirst();
      await trx
        .updateTable('re_evals')
        .set({ last_run_at: now, next_run_at: reEval.schedule === 'cron' ? nextCronRun(reEval.cron!, now) : null, updated_at: now })
        .where('id', '=', reEval.id)
        .execute();
      if (run) out.push({ reEval, run });
    }
    return out;
  });
  for (const { reEval, run } of claimed) await startReEvalRun(deps, reEval, run);
  return claimed.length;
}

/** The model a run evaluates: what the target serves now, or the re-eval's fixed model. */
async function modelUnderTest(deps: MonitoringDeps, reEval: ReEvalRow): Promise<ModelRef | null> {
  if (!reEval.target_type || !reEval.target_value) return reEval.model_ref as ModelRef | null;
  const pointer = await deps.db
    .selectFrom('production_pointers')
    .select('model_version_id')
    .where('tenant_id', '=', reEval.tenant_id)
    .where('target_type', '=', reEval.target_type)
    .where('target_value', '=', reEval.target_value)
    .executeTakeFirst();
  return pointer ? { type: 'ft_model_version', value: pointer.model_version_id } : null;
}

/**
 * Starts the eval run of one claimed slot and links it. A slot that cannot run (nothing serves
 * the target, the suite or governance refuses) is completed at once with the reason.
 */
export async function startReEvalRun(deps: MonitoringDeps, reEval: ReEvalRow, run: ReEvalRunRow): Promise<void> {
  const ctx = monitorContext(deps, reEval.tenant_id, `re-eval-${run.id}`);
  const model = await modelUnderTest(deps, reEval);
  if (!model) {
    await completeReEvalRun(deps, ctx, run.id, { reasons: ['nothing_served'], message: 'the target has no production pointer' });
    return;
  }
  let evalRun;
  try {
    evalRun = await deps.startEvalRun(ctx, { eval_suite_id: reEval.eval_suite_id, model });
  } catch (error) {
    if (!(error instanceof FtmError)) throw error;
    await completeReEvalRun(deps, ctx, run.id, { reasons: ['eval_not_started'], message: error.message });
    return;
  }
  await deps.db
    .updateTable('re_eval_runs')
    .set({ eval_run_id: evalRun.id, model_version_id: evalRun.model_version_id })
    .where('tenant_id', '=', reEval.tenant_id)
    .where('id', '=', run.id)
    .where('eval_run_id', 'is', null)
    .execute();
}

/**
 * Runs a crash left claimed without an eval run (older than `staleMs`): starts them again.
 * Returns how many.
 */
export async function restartStrandedRuns(deps: MonitoringDeps, now: Date, staleMs = 60_000, limit = 20): Promise<number> {
  const stranded = await deps.db
    .selectFrom('re_eval_runs')
    .selectAll()
    .where('completed_at', 'is', null)
    .where('eval_run_id', 'is', null)
    .where('created_at', '<', new Date(now.getTime() - staleMs))
    .limit(limit)
    .execute();
  for (const row of stranded) {
    const reEval = await deps.db.selectFrom('re_evals').selectAll().where('id', '=', row.re_eval_id).executeTakeFirstOrThrow();
    await startReEvalRun(deps, reEval, row);
  }
  return stranded.length;
}
