import type { Kysely } from 'kysely';
import type { DB, GateVerdictRecord, ModelVersionStatus } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { ConflictError } from '../shared/errors.js';
import type { Sanitizer } from '../sanitization/sanitizer.js';
import type { EvalRunRow } from '../evals/eval-run.js';
import { compareEvalRuns } from '../evals/compare-eval-runs.js';

/** The latest completed eval run of a version (on one suite version, or on any when none is named). */
export async function latestCompletedRun(db: Kysely<DB>, tenantId: string, modelVersionId: string, evalSuiteId?: string | null): Promise<EvalRunRow | undefined> {
  let q = db.selectFrom('eval_runs').selectAll().where('tenant_id', '=', tenantId).where('model_version_id', '=', modelVersionId).where('status', '=', 'completed');
  if (evalSuiteId) q = q.where('eval_suite_id', '=', evalSuiteId);
  return q.orderBy('completed_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
}

/** The run's score, or null while it has no metrics. */
export const runScore = (run: Pick<EvalRunRow, 'metrics'>): number | null => {
  const score = (run.metrics as { score?: unknown }).score;
  return typeof score === 'number' ? score : null;
};

/** `version_status`: only a candidate or approved version is promoted, and never onto itself. */
export function versionStatusGate(version: { id: string; status: ModelVersionStatus }, servingModelVersionId: string | null): GateVerdictRecord {
  if (servingModelVersionId === version.id) return { gate: 'version_status', verdict: 'deny', reason: 'this version already serves the target' };
  if (version.status === 'candidate' || version.status === 'approved') return { gate: 'version_status', verdict: 'pass', reason: `version is ${version.status}` };
  return { gate: 'version_status', verdict: 'deny', reason: `version is ${version.status}; only candidate or approved versions are promoted` };
}

/** `min_eval_score`: the latest completed eval on the suite scores at least the minimum. */
export function evalScoreGate(run: EvalRunRow | undefined, minScore: number, evalSuiteId: string | undefined): GateVerdictRecord {
  if (!run) {
    return { gate: 'min_eval_score', verdict: 'deny', reason: evalSuiteId ? `no completed eval of this version on suite ${evalSuiteId}` : 'no completed eval of this version' };
  }
  const score = runScore(run);
  if (score === null) return { gate: 'min_eval_score', verdict: 'deny', reason: `eval run ${run.id} has no score` };
  return score >= minScore
    ? { gate: 'min_eval_score', verdict: 'pass', reason: `eval run ${run.id} scored ${score} ≥ ${minScore}` }
    : { gate: 'min_eval_score', verdict: 'deny', reason: `eval run ${run.id} scored ${score} < ${minScore}` };
}

/**
 * `regression`: compared with the version serving the target now, on the same suite version, the
 * candidate may not be significantly worse by more than `maxRegression` (0 when not given). The
 * paired-bootstrap comparison of the evals decides significance. Skipped when there is nothing
 * to compare with. Reads only, so it can run inside the swap's transaction (`db` may be one).
 */
export async function regressionGate(
  db: Kysely<DB>,
  ctx: ServiceContext,
  candidateRun: EvalRunRow | undefined,
  servingModelVersionId: string | null,
  maxRegression: number | null,
): Promise<GateVerdictRecord> {
  const skip = (reason: string): GateVerdictRecord => ({ gate: 'regression', verdict: 'skipped', reason });
  if (!servingModelVersionId) return skip('nothing serves the target yet');
  if (!candidateRun) return skip('the candidate has no completed eval to compare');
  const servingRun = await latestCompletedRun(db, ctx.tenantId, servingModelVersionId, candidateRun.eval_suite_id);
  if (!servingRun) return skip(`the serving version ${servingModelVersionId} has no completed eval on suite ${candidateRun.eval_suite_id}`);
  let comparison;
  try {
    comparison = await compareEvalRuns(db, { ...ctx, projectId: null }, candidateRun.id, { baseline: servingRun.id });
  } catch (error) {
    if (error instanceof ConflictError) return skip(`the evals cannot be compared: ${error.message}`);
    throw error;
  }
  const { delta, significant, confidence_interval: ci } = comparison.aggregate;
  const tolerance = maxRegression ?? 0;
  const versus = `vs serving version ${servingModelVersionId} (eval run ${servingRun.id}): delta ${delta}, 95% CI [${ci.lower}, ${ci.upper}]`;
  if (significant && delta < 0 && -delta > tolerance) {
    return { gate: 'regression', verdict: 'deny', reason: `significant score drop ${versus} beyond max_regression ${tolerance}` };
  }
  return { gate: 'regression', verdict: 'pass', reason: `no significant drop beyond ${tolerance} ${versus}` };
}

/** `trism_scan`: notes kept in history may not carry PII or secrets. Names finding types, never text. */
export async function notesScanGate(sanitizer: Sanitizer, notes: string | null | undefined): Promise<GateVerdictRecord> {
  if (!notes) return { gate: 'trism_scan', verdict: 'skipped', reason: 'no notes' };
  const scan = await sanitizer.scan(notes);
  if (scan.safe) return { gate: 'trism_scan', verdict: 'pass', reason: `notes scanned by ${sanitizer.name}` };
  const found = scan.findings.map((f) => `${f.type} ×${f.count}`).join(', ');
  return { gate: 'trism_scan', verdict: 'deny', reason: `notes contain sensitive data (${found}); remove it and try again` };
}
