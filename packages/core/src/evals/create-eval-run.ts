import type { ServiceContext } from '../shared/context.js';
import { GateDeniedError } from '../shared/errors.js';
import { parseInput } from '../shared/parse-input.js';
import { recordEvent } from '../outbox/record-event.js';
import { recordAudit } from '../audit/record-audit.js';
import type { EvalDeps } from './eval-deps.js';
import { evalRunJob } from './eval-jobs.js';
import { enqueueJob } from '../shared/enqueue-job.js';
import { CreateEvalRunInput, toEvalRun, type EvalRun } from './eval-run.js';
import type { SelectionStrategy } from './eval-suite.js';
import { findEvalSuiteRow } from './get-eval-suite.js';
import { resolveModelRef } from './resolve-model-ref.js';
import { selectCaseIds } from './select-cases.js';

/**
 * `POST /eval-runs`: resolves the model (another tenant's version is a 404), passes governance
 * `eval.run` when the suite has a policy profile (denial is a 409 naming the gate), fixes the
 * vector selection, stores the run `queued` with its event and audit row, then queues it.
 */
export async function createEvalRun(deps: EvalDeps, ctx: ServiceContext, input: unknown): Promise<EvalRun> {
  const body = parseInput(CreateEvalRunInput, input, 'eval run');
  const suite = await findEvalSuiteRow(deps.db, ctx, body.eval_suite_id);
  const resolved = await resolveModelRef(deps.db, deps.runners, ctx, body.model);
  // A provider without a runner is a 400 now, one without a credential for this project a 409, not a failed run later.
  await deps.runners.resolve(resolved.model.provider, { tenantId: ctx.tenantId, projectId: suite.project_id });
  let decisionId: string | null = null;
  if (suite.policy_profile) {
    const decision = await deps.governance.check({
      action: 'eval.run',
      tenantId: ctx.tenantId,
      projectId: suite.project_id,
      actor: ctx.actor,
      resource: {
        type: 'eval_suite',
        id: suite.id,
        attributes: { policy_profile: suite.policy_profile, base_model: resolved.model.id, provider: resolved.model.provider, model_version_id: resolved.modelVersionId },
      },
      context: { policy_profile: suite.policy_profile, cost_cap_usd: body.cost_cap_usd ?? null },
    });
    if (decision.decision === 'deny') {
      throw new GateDeniedError(`governance denied eval.run: ${decision.reasons.join('; ') || 'no reason given'}`, [
        { gate: 'governance', verdict: 'deny', reason: decision.reasons.join('; '), decisionId: decision.decisionId },
      ]);
    }
    decisionId = decision.decisionId;
  }
  const caseIds = await selectCaseIds(deps, ctx.tenantId, suite.id, suite.selection_strategy as unknown as SelectionStrategy);
  const id = ctx.ids.next();
  const now = ctx.clock.now();
  const run = await deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('eval_runs')
      .values({
        id,
        tenant_id: ctx.tenantId,
        project_id: suite.project_id,
        eval_suite_id: suite.id,
        model_ref: JSON.stringify(body.model),
        model_version_id: resolved.modelVersionId,
        status: 'queued',
        concurrency: body.concurrency,
        cost_cap_usd: body.cost_cap_usd ?? null,
        params: JSON.stringify(body.params),
        case_ids: caseIds,
        progress: JSON.stringify({ cases_total: caseIds?.length ?? suite.case_count, cases_done: 0, cases_failed: 0 }),
        governance_decision_id: decisionId,
        created_by: `${ctx.actor.type}:${ctx.actor.id}`,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const created = toEvalRun(row);
    await recordEvent(trx, ctx, { type: 'eval_run.created', resourceType: 'eval_run', resourceId: id, projectId: created.project_id, payload: { eval_run: created } });
    await recordAudit(trx, ctx, {
      action: 'eval_run.create',
      resourceType: 'eval_run',
      resourceId: id,
      projectId: created.project_id,
      summary: `queued an eval run of suite ${suite.name} v${suite.version} on ${body.model.type} ${body.model.value}`,
      details: { eval_suite_id: suite.id, model: body.model, model_version_id: resolved.modelVersionId, cost_cap_usd: body.cost_cap_usd ?? null, governance_decision_id: decisionId },
    });
    return created;
  });
  await enqueueJob(deps.queue, evalRunJob, { tenant_id: ctx.tenantId, eval_run_id: id }, { jobId: id });
  return run;
}
