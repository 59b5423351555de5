import PQueue from 'p-queue';
import type { ServiceContext } from '../shared/context.js';
import { DependencyUnavailableError, FtmError } from '../shared/errors.js';
import { defaultSleep } from '../shared/http-client.js';
import { recordEvent } from '../outbox/record-event.js';
import { recordAudit } from '../audit/record-audit.js';
import { inferenceCostUsd } from '../runners/inference-prices.js';
import type { CompletionParams, ModelRunner, RunnerMessage, RunnerModel } from '../runners/model-runner.js';
import { GraderSet } from './graders/compile-graders.js';
import type { GraderConfig } from './graders/grader-config.js';
import type { GradeEnv, GraderVerdict } from './graders/grader-types.js';
import type { EvalDeps } from './eval-deps.js';
import type { EvalRunJobPayload } from './eval-jobs.js';
import { toEvalRun, type EvalRun } from './eval-run.js';
import { isFinishedEvalRun, nextEvalRunStatus } from './eval-run-state-machine.js';
import type { EvalRunRow } from './eval-run.js';
import type { EvalSuiteRow } from './eval-suite.js';
import { finishEvalRun, writeResultsBlob } from './finish-eval-run.js';
import { computeMetrics, type CaseOutcome } from './metrics.js';
import type { ModelRef } from './model-ref.js';
import { resolveModelRef } from './resolve-model-ref.js';
import { ResultWriter, type RunTotals } from './result-writer.js';
import { runCase, type CaseResultRecord, type CaseSpec } from './run-case.js';

/** The worker lost the job (shutdown, lease lost, timeout): the next attempt resumes the run. */
export class EvalRunInterruptedError extends FtmError {
  override readonly name = 'EvalRunInterruptedError';
}

/** Attempt bookkeeping the queue gives a job. */
export interface EvalRunAttempt {
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly signal?: AbortSignal;
}

const METRICS_REFRESH_MS = 2_000;
const CAP_EPSILON = 1e-9;

/** queued → running (or a resumed running run), recorded with its event and audit row. */
async function markRunning(deps: EvalDeps, ctx: ServiceContext, runId: string, resolvedModel: string): Promise<EvalRunRow | null> {
  return deps.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('eval_runs').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', runId).forUpdate().executeTakeFirstOrThrow();
    if (isFinishedEvalRun(row.status)) return null;
    const resumed = row.status === 'running';
    const now = ctx.clock.now();
    const updated = await trx
      .updateTable('eval_runs')
      .set({ status: nextEvalRunStatus(row.status, 'start'), started_at: row.started_at ?? now, resolved_model: resolvedModel, updated_at: now })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', runId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const run = toEvalRun(updated);
    if (!resumed) await recordEvent(trx, ctx, { type: 'eval_run.started', resourceType: 'eval_run', resourceId: runId, projectId: run.project_id, payload: { eval_run: run } });
    await recordAudit(trx, ctx, {
      action: resumed ? 'eval_run.resume' : 'eval_run.start',
      resourceType: 'eval_run',
      resourceId: runId,
      projectId: run.project_id,
      summary: `${resumed ? 'resumed' : 'started'} eval run ${runId} on ${resolvedModel} after ${run.progress.cases_done} finished cases`,
    });
    return updated;
  });
}

async function loadCases(deps: EvalDeps, tenantId: string, run: EvalRunRow): Promise<CaseSpec[]> {
  let q = deps.db.selectFrom('eval_cases').selectAll().where('tenant_id', '=', tenantId).where('eval_suite_id', '=', run.eval_suite_id);
  if (run.case_ids) q = q.where('id', 'in', run.case_ids.length > 0 ? run.case_ids : ['00000000-0000-0000-0000-000000000000']);
  const rows = await q.orderBy('position').execute();
  return rows.map((r) => {
    const input = r.input as unknown as { messages: RunnerMessage[]; tools?: Record<string, unknown>[] };
    return {
      id: r.id,
      tags: r.tags,
      messages: input.messages,
      ...(input.tools ? { tools: input.tools } : {}),
      expectedOutput: r.expected_output,
      expectedToolCall: r.expected_tool_call as CaseSpec['expectedToolCall'],
      jsonSchema: r.json_schema,
      graders: r.graders as unknown as GraderConfig[] | null,
    };
  });
}

/** Results already stored for the run (a previous attempt's work), as metrics inputs. */
async function loadDone(deps: EvalDeps, tenantId: string, runId: string, tagsOf: Map<string, readonly string[]>): Promise<Map<string, CaseOutcome & { failed: boolean }>> {
  const rows = await deps.db.selectFrom('eval_case_results').selectAll().where('tenant_id', '=', tenantId).where('eval_run_id', '=', runId).execute();
  return new Map(rows.map((r) => [r.case_id, { ...outcomeOf({ ...r, verdicts: r.grader_results as unknown as GraderVerdict[] }, tagsOf.get(r.case_id) ?? []), failed: r.error !== null }]));
}

function outcomeOf(
  r: {
    score: number;
    passed: boolean;
    verdicts: readonly GraderVerdict[];
    latency_ms: number | null;
    input_tokens: number;
    output_tokens: number;
    cost_usd: string | number;
    judge_cost_usd: string | number;
  },
  tags: readonly string[],
): CaseOutcome {
  return {
    score: r.score,
    passed: r.passed,
    verdicts: r.verdicts,
    tags,
    latencyMs: r.latency_ms,
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    costUsd: Number(r.cost_usd),
    judgeCostUsd: Number(r.judge_cost_usd),
  };
}

const recordOutcome = (r: CaseResultRecord): CaseOutcome => ({
  score: r.score,
  passed: r.passed,
  verdicts: r.verdicts,
  tags: r.tags,
  latencyMs: r.latencyMs,
  inputTokens: r.inputTokens,
  outputTokens: r.outputTokens,
  costUsd: r.costUsd,
  judgeCostUsd: r.judgeCostUsd,
});

/** The judge of model-graded graders: resolves each judge model once per run and prices its calls. */
function judgeEnv(deps: EvalDeps, scope: { readonly tenantId: string; readonly projectId: string | null }, signal: AbortSignal | undefined): GradeEnv {
  const models = new Map<string, Promise<RunnerModel>>();
  const runners = new Map<string, Promise<ModelRunner>>();
  return {
    sanitizer: deps.sanitizer,
    ...(signal ? { signal } : {}),
    async judge(ref: ModelRef, request, judgeSignal) {
      const key = JSON.stringify(ref);
      let model = models.get(key);
      if (!model) {
        model = resolveModelRef(deps.db, deps.runners, { tenantId: scope.tenantId, projectId: null }, ref).then((r) => r.model);
        models.set(key, model);
      }
      const m = await model;
      let runner = runners.get(m.provider);
      if (!runner) {
        runner = deps.runners.resolve(m.provider, scope);
        runners.set(m.provider, runner);
      }
      const completion = await (await runner).complete(m, request, judgeSignal ? { signal: judgeSignal } : {});
      return { content: completion.content, costUsd: inferenceCostUsd(deps.prices, m.id, completion.usage) };
    },
  };
}

/**
 * Runs the pending cases of a run with its concurrency (p-queue), skipping cases a previous
 * attempt finished. Before starting a case it checks the cost cap: no case starts once what was
 * spent, plus the average case cost for each case in flight and the new one, would pass the cap,
 * so the cap is exceeded at most by the estimate error of the cases in flight (one per slot).
 */
export async function executeEvalRun(deps: EvalDeps, ctx: ServiceContext, runId: string, attempt: EvalRunAttempt): Promise<EvalRun | null> {
  const signal = attempt.signal;
  const db = deps.db;
  const first = await db.selectFrom('eval_runs').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', runId).executeTakeFirst();
  if (!first || isFinishedEvalRun(first.status)) return null;
  const suite: EvalSuiteRow = await db.selectFrom('eval_suites').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', first.eval_suite_id).executeTakeFirstOrThrow();
  const resolved = await resolveModelRef(deps.db, deps.runners, { tenantId: ctx.tenantId, projectId: null }, first.model_ref as ModelRef);
  // The run's project picks the credential: a project's own key, else the tenant's, else the server's.
  const runner = await deps.runners.resolve(resolved.model.provider, { tenantId: ctx.tenantId, projectId: first.project_id });
  const run = await markRunning(deps, ctx, runId, resolved.model.id);
  if (!run) return null;

  const cases = await loadCases(deps, ctx.tenantId, run);
  const tagsOf = new Map(cases.map((c) => [c.id, c.tags]));
  const done = await loadDone(deps, ctx.tenantId, runId, tagsOf);
  const outcomes: CaseOutcome[] = [...done.values()];
  const totals: RunTotals = {
    casesTotal: cases.length,
    casesDone: done.size,
    casesFailed: [...done.values()].filter((d) => d.failed).length,
    costUsd: outcomes.reduce((s, o) => s + o.costUsd, 0),
    judgeCostUsd: outcomes.reduce((s, o) => s + o.judgeCostUsd, 0),
    inputTokens: outcomes.reduce((s, o) => s + o.inputTokens, 0),
    outputTokens: outcomes.reduce((s, o) => s + o.outputTokens, 0),
  };
  let stopReason: 'cost_cap' | 'canceled' | null = null;
  let lastMetricsAt = Date.now();
  const writer = new ResultWriter({
    db,
    tenantId: ctx.tenantId,
    runId,
    ids: ctx.ids,
    now: () => ctx.clock.now(),
    totals,
    onStatus: (status) => {
      if (status === 'canceled') stopReason = 'canceled';
    },
    partialMetrics: () => {
      if (Date.now() - lastMetricsAt < METRICS_REFRESH_MS) return null;
      lastMetricsAt = Date.now();
      return computeMetrics(outcomes) as unknown as Record<string, unknown>;
    },
  });

  const engine = deps.engine ?? {};
  const caseContext = {
    runner,
    model: resolved.model,
    params: run.params as CompletionParams,
    graders: new GraderSet(suite.graders as unknown as GraderConfig[]),
    passThreshold: suite.pass_threshold,
    env: judgeEnv(deps, { tenantId: ctx.tenantId, projectId: first.project_id }, signal),
    prices: deps.prices,
    attempts: engine.callAttempts ?? 3,
    retryBaseMs: engine.callRetryBaseMs ?? 500,
    sleep: engine.sleep ?? defaultSleep,
    ...(signal ? { signal } : {}),
  };
  const cap = run.cost_cap_usd === null ? null : Number(run.cost_cap_usd);
  let inFlight = 0;
  let finishedHere = 0;
  let spentHere = 0;
  const queue = new PQueue({ concurrency: run.concurrency });
  const mayStart = (): boolean => {
    if (stopReason !== null || writer.failure !== null || signal?.aborted) return false;
    if (cap === null) return true;
    // The estimate prefers this attempt's cases (current prices), else what earlier attempts cost.
    const estimate = finishedHere > 0 ? spentHere / finishedHere : totals.casesDone > 0 ? totals.costUsd / totals.casesDone : 0;
    // The epsilon absorbs float sums of six-decimal costs (ten cases of c must fit a cap of 10·c).
    if (totals.costUsd >= cap + CAP_EPSILON || totals.costUsd + (inFlight + 1) * estimate > cap + CAP_EPSILON) {
      stopReason = 'cost_cap';
      return false;
    }
    return true;
  };
  for (const spec of cases) {
    if (done.has(spec.id)) continue;
    void queue.add(async () => {
      if (!mayStart()) return;
      inFlight += 1;
      try {
        const result = await runCase(spec, caseContext);
        if (!result) return;
        finishedHere += 1;
        spentHere += result.costUsd;
        outcomes.push(recordOutcome(result));
        writer.push(result);
      } finally {
        inFlight -= 1;
      }
    });
  }
  await queue.onIdle();
  await writer.flush();
  if (writer.failure !== null) throw writer.failure;
  if (signal?.aborted) throw new EvalRunInterruptedError(`eval run ${runId} was interrupted after ${totals.casesDone} of ${totals.casesTotal} cases; the next attempt resumes it`);

  const metrics = computeMetrics(outcomes);
  const blobKey = await writeResultsBlob(deps.db, deps.blobs, ctx.tenantId, runId);
  const stopped = stopReason === 'cost_cap';
  // A run none of whose cases got an answer measured nothing: a score of 0 would read as a verdict on the model.
  if (totals.casesDone > 0 && totals.casesFailed === totals.casesDone) {
    const error = { code: 'all_cases_failed', message: await allFailedReason(deps, ctx.tenantId, runId, totals.casesFailed) };
    return finishEvalRun(deps.db, ctx, runId, { event: 'fail', stopReason: stopped ? 'cost_cap' : null, error, metrics, totals, resultsBlobKey: blobKey });
  }
  return finishEvalRun(deps.db, ctx, runId, { event: stopped ? 'stop' : 'complete', stopReason: stopped ? 'cost_cap' : null, error: null, metrics, totals, resultsBlobKey: blobKey });
}

/** "every case failed (n): <the most frequent case error>", for the run's error. */
async function allFailedReason(deps: EvalDeps, tenantId: string, runId: string, failed: number): Promise<string> {
  const top = await deps.db
    .selectFrom('eval_case_results')
    .select(['error', (eb) => eb.fn.countAll<number>().as('n')])
    .where('tenant_id', '=', tenantId)
    .where('eval_run_id', '=', runId)
    .where('error', 'is not', null)
    .groupBy('error')
    .orderBy('n', 'desc')
    .orderBy('error')
    .limit(1)
    .executeTakeFirst();
  return `every case failed (${failed}): ${top?.error ?? 'the model calls failed'}`.slice(0, 500);
}

/**
 * The `eval.run` job: executes (or resumes) the run. Interruptions and outages are rethrown
 * while attempts remain, so the queue retries and the run resumes where it stopped; on the last
 * attempt, and for any other error, the run ends `failed` with a reason and keeps its results.
 */
export async function runEvalRunJob(deps: EvalDeps, ctx: ServiceContext, payload: EvalRunJobPayload, attempt: EvalRunAttempt): Promise<void> {
  try {
    await executeEvalRun(deps, ctx, payload.eval_run_id, attempt);
  } catch (error) {
    const retryable = error instanceof EvalRunInterruptedError || error instanceof DependencyUnavailableError || !(error instanceof FtmError);
    if (retryable && attempt.attempt < attempt.maxAttempts) throw error;
    if (error instanceof EvalRunInterruptedError && attempt.signal?.aborted) throw error; // shutting down: leave it for the recovery sweep
    ctx.logger.error({ err: error instanceof Error ? error.name : 'unknown', eval_run_id: payload.eval_run_id }, 'eval run failed');
    const code = error instanceof DependencyUnavailableError ? 'dependency_unavailable' : error instanceof FtmError ? 'eval_error' : 'internal_error';
    const message = error instanceof FtmError ? error.message.slice(0, 500) : 'the eval run failed unexpectedly';
    const row = await deps.db.selectFrom('eval_runs').select('status').where('tenant_id', '=', ctx.tenantId).where('id', '=', payload.eval_run_id).executeTakeFirst();
    if (!row || isFinishedEvalRun(row.status)) return;
    const outcomes = await loadDone(deps, ctx.tenantId, payload.eval_run_id, new Map());
    await finishEvalRun(deps.db, ctx, payload.eval_run_id, {
      event: 'fail',
      stopReason: null,
      error: { code, message },
      metrics: outcomes.size > 0 ? computeMetrics([...outcomes.values()]) : null,
      totals: null,
      resultsBlobKey: null,
    });
  }
}
