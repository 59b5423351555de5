import { sql } from 'kysely';
import type { ServiceContext } from '../shared/context.js';
import { recordEvent } from '../outbox/record-event.js';
import { recordAudit } from '../audit/record-audit.js';
import { toModelVersion } from '../registry/model-version.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { EvalRunStatus } from '../db/schema.js';
import { toEvalRun, type EvalMetrics, type EvalRun } from './eval-run.js';
import { nextEvalRunStatus } from './eval-run-state-machine.js';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { RunTotals } from './result-writer.js';

/** How a run ends. */
export interface RunEnding {
  readonly event: 'complete' | 'stop' | 'fail';
  readonly stopReason: string | null;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly metrics: EvalMetrics | null;
  readonly totals: RunTotals | null;
  readonly resultsBlobKey: string | null;
}

/** Blob key of a run's per-case results (JSONL). */
export const resultsBlobKey = (tenantId: string, runId: string): string => `eval-runs/${tenantId}/${runId}/results.jsonl`;

/** Writes every case result of a run to blob storage as JSONL (case order); idempotent. */
export async function writeResultsBlob(db: Kysely<DB>, blobs: BlobStore, tenantId: string, runId: string): Promise<string> {
  const rows = await db
    .selectFrom('eval_case_results as r')
    .innerJoin('eval_cases as c', (j) => j.onRef('c.id', '=', 'r.case_id').onRef('c.tenant_id', '=', 'r.tenant_id'))
    .select(['r.case_id', 'c.position', 'c.tags', 'r.passed', 'r.score', 'r.grader_results', 'r.output', 'r.error', 'r.latency_ms', 'r.input_tokens', 'r.output_tokens', 'r.cost_usd'])
    .where('r.tenant_id', '=', tenantId)
    .where('r.eval_run_id', '=', runId)
    .orderBy('r.case_id')
    .execute();
  const lines = rows.map((r) =>
    JSON.stringify({
      case_id: r.case_id,
      position: r.position,
      tags: r.tags,
      passed: r.passed,
      score: r.score,
      output: r.output,
      graders: r.grader_results,
      latency_ms: r.latency_ms,
      tokens: { input: r.input_tokens, output: r.output_tokens },
      cost_usd: Number(r.cost_usd),
      error: r.error,
    }),
  );
  const key = resultsBlobKey(tenantId, runId);
  await blobs.put(key, lines.length > 0 ? `${lines.join('\n')}\n` : '', { contentType: 'application/x-ndjson' });
  return key;
}

/**
 * Ends a run in one transaction: status, metrics, totals, `eval.completed` and an audit row; a
 * completed run of a registered version also becomes that version's latest score on the suite
 * (eval_summary), with `model_version.updated`. A run canceled meanwhile only keeps its metrics.
 */
export async function finishEvalRun(db: Kysely<DB>, ctx: ServiceContext, runId: string, ending: RunEnding): Promise<EvalRun> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('eval_runs').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', runId).forUpdate().executeTakeFirstOrThrow();
    const now = ctx.clock.now();
    const totals = ending.totals;
    const common = {
      ...(ending.metrics ? { metrics: JSON.stringify(ending.metrics) } : {}),
      ...(totals
        ? {
            progress: JSON.stringify({ cases_total: totals.casesTotal, cases_done: totals.casesDone, cases_failed: totals.casesFailed }),
            cost_usd: totals.costUsd.toFixed(6),
            judge_cost_usd: totals.judgeCostUsd.toFixed(6),
            input_tokens: totals.inputTokens,
            output_tokens: totals.outputTokens,
          }
        : {}),
      ...(ending.resultsBlobKey ? { results_blob_key: ending.resultsBlobKey } : {}),
      updated_at: now,
    };
    if (row.status === 'canceled') {
      const kept = await trx.updateTable('eval_runs').set(common).where('tenant_id', '=', ctx.tenantId).where('id', '=', runId).returningAll().executeTakeFirstOrThrow();
      return toEvalRun(kept);
    }
    const status: EvalRunStatus = nextEvalRunStatus(row.status, ending.event);
    const updated = await trx
      .updateTable('eval_runs')
      .set({ ...common, status, stop_reason: ending.stopReason, error: ending.error ? JSON.stringify(ending.error) : null, completed_at: now })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', runId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const run = toEvalRun(updated);
    await recordEvent(trx, ctx, { type: 'eval.completed', resourceType: 'eval_run', resourceId: runId, projectId: run.project_id, payload: { eval_run: run } });
    const score = run.metrics ? ` score ${run.metrics.score}, pass rate ${run.metrics.pass_rate}` : '';
    await recordAudit(trx, ctx, {
      action: `eval_run.${ending.event}`,
      resourceType: 'eval_run',
      resourceId: runId,
      projectId: run.project_id,
      summary: `eval run ${runId} ${status}${run.stop_reason ? ` (${run.stop_reason})` : ''}:${score} over ${run.progress.cases_done}/${run.progress.cases_total} cases, $${run.cost_usd}`,
      details: { status, stop_reason: run.stop_reason, error: run.error, cost_usd: run.cost_usd, cost_cap_usd: run.cost_cap_usd },
    });
    if (status === 'completed' && run.model_version_id && run.metrics) await recordSummary(trx, ctx, run);
    return run;
  });
}

/** The version's eval_summary[suite] ← this run, unless a later completed run is already there. */
async function recordSummary(trx: Transaction<DB>, ctx: ServiceContext, run: EvalRun): Promise<void> {
  const entry = { eval_run_id: run.id, score: run.metrics!.score, completed_at: run.completed_at! };
  const updated = await trx
    .updateTable('model_versions')
    .set({ eval_summary: sql`eval_summary || jsonb_build_object(${run.eval_suite_id}::text, ${JSON.stringify(entry)}::jsonb)`, updated_at: ctx.clock.now() })
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', run.model_version_id!)
    .where(sql<boolean>`coalesce((eval_summary -> ${run.eval_suite_id}::text ->> 'completed_at')::timestamptz <= ${entry.completed_at}::timestamptz, true)`)
    .returningAll()
    .executeTakeFirst();
  if (!updated) return;
  const version = toModelVersion(updated, ctx.clock.now());
  await recordEvent(trx, ctx, { type: 'model_version.updated', resourceType: 'model_version', resourceId: version.id, projectId: version.project_id, payload: { model_version: version } });
  await recordAudit(trx, ctx, {
    action: 'model_version.eval_summary',
    resourceType: 'model_version',
    resourceId: version.id,
    projectId: version.project_id,
    summary: `latest score of ${version.name} on suite ${run.eval_suite_id} is now ${entry.score} (eval run ${run.id})`,
    details: { eval_suite_id: run.eval_suite_id, ...entry },
  });
}
