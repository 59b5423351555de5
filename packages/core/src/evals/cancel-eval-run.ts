import type { ServiceContext } from '../shared/context.js';
import { NotFoundError } from '../shared/errors.js';
import { isUuid } from '../shared/ids.js';
import { recordEvent } from '../outbox/record-event.js';
import { recordAudit } from '../audit/record-audit.js';
import type { EvalDeps } from './eval-deps.js';
import { toEvalRun, type EvalRun } from './eval-run.js';
import { nextEvalRunStatus } from './eval-run-state-machine.js';

/**
 * `POST /eval-runs/{id}/cancel`: the worker stops starting cases at its next write; finished
 * cases and partial metrics stay. A finished run is an InvalidTransitionError (409).
 */
export async function cancelEvalRun(deps: Pick<EvalDeps, 'db'>, ctx: ServiceContext, id: string): Promise<EvalRun> {
  if (!isUuid(id)) throw new NotFoundError('eval_run', id);
  return deps.db.transaction().execute(async (trx) => {
    let q = trx.selectFrom('eval_runs').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', id);
    if (ctx.projectId) q = q.where('project_id', '=', ctx.projectId);
    const row = await q.forUpdate().executeTakeFirst();
    if (!row) throw new NotFoundError('eval_run', id);
    const status = nextEvalRunStatus(row.status, 'cancel');
    const now = ctx.clock.now();
    const updated = await trx
      .updateTable('eval_runs')
      .set({ status, stop_reason: 'canceled', updated_at: now, completed_at: now })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const run = toEvalRun(updated);
    await recordEvent(trx, ctx, { type: 'eval_run.canceled', resourceType: 'eval_run', resourceId: id, projectId: run.project_id, payload: { eval_run: run } });
    await recordAudit(trx, ctx, {
      action: 'eval_run.cancel',
      resourceType: 'eval_run',
      resourceId: id,
      projectId: run.project_id,
      summary: `canceled eval run ${id} after ${run.progress.cases_done} of ${run.progress.cases_total} cases`,
    });
    return run;
  });
}
