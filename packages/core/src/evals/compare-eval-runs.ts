import { z } from 'zod';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { ConflictError } from '../shared/errors.js';
import { parseInput } from '../shared/parse-input.js';
import { pairedBootstrapInterval, seedFrom, type ConfidenceInterval } from './bootstrap.js';
import { toEvalRun } from './eval-run.js';
import { findEvalRunRow } from './get-eval-run.js';

/** `GET /eval-runs/{id}/compare` (the contract's EvalComparison). */
export interface EvalComparison {
  readonly eval_run_id: string;
  readonly baseline_eval_run_id: string;
  readonly eval_suite_id: string;
  readonly aggregate: {
    readonly score: number;
    readonly baseline_score: number;
    readonly delta: number;
    readonly pass_rate: number;
    readonly baseline_pass_rate: number;
    readonly confidence_interval: ConfidenceInterval;
    readonly significant: boolean;
    readonly cost_usd_delta: number;
    readonly latency_p95_ms_delta: number;
  };
  readonly cases: readonly { readonly case_id: string; readonly score: number; readonly baseline_score: number; readonly delta: number; readonly passed: boolean; readonly baseline_passed: boolean }[];
}

/** `GET /eval-runs/{id}/compare` query. */
export const CompareEvalRunsInput = z.strictObject({ baseline: z.uuid() });
export type CompareEvalRunsInput = z.infer<typeof CompareEvalRunsInput>;

const COMPARABLE = new Set(['completed', 'stopped']);
const round = (x: number) => Math.round(x * 1e6) / 1e6;

async function scores(db: Kysely<DB>, tenantId: string, runId: string): Promise<Map<string, { score: number; passed: boolean }>> {
  const rows = await db.selectFrom('eval_case_results').select(['case_id', 'score', 'passed']).where('tenant_id', '=', tenantId).where('eval_run_id', '=', runId).orderBy('case_id').execute();
  return new Map(rows.map((r) => [r.case_id, { score: r.score, passed: r.passed }]));
}

/**
 * Per-case and aggregate deltas of a run against a baseline run of the same suite version, over
 * the cases both finished, with a seeded paired-bootstrap 95% interval on the score difference:
 * `significant` when the interval excludes 0. Unfinished runs or different suites are a 409.
 */
export async function compareEvalRuns(db: Kysely<DB>, ctx: ServiceContext, id: string, query: unknown): Promise<EvalComparison> {
  const baselineId = parseInput(CompareEvalRunsInput, query, 'query').baseline;
  const run = toEvalRun(await findEvalRunRow(db, ctx, id));
  const baseline = toEvalRun(await findEvalRunRow(db, ctx, baselineId));
  if (run.eval_suite_id !== baseline.eval_suite_id) throw new ConflictError('both runs must be of the same suite version', 'suite_mismatch');
  for (const r of [run, baseline]) if (!COMPARABLE.has(r.status)) throw new ConflictError(`eval run ${r.id} is ${r.status}; compare completed or stopped runs`, 'eval_run_not_finished');
  const [mine, theirs] = await Promise.all([scores(db, ctx.tenantId, run.id), scores(db, ctx.tenantId, baseline.id)]);
  const cases: EvalComparison['cases'][number][] = [];
  for (const [caseId, m] of mine) {
    const b = theirs.get(caseId);
    if (b) cases.push({ case_id: caseId, score: m.score, baseline_score: b.score, delta: round(m.score - b.score), passed: m.passed, baseline_passed: b.passed });
  }
  if (cases.length === 0) throw new ConflictError('the runs have no finished case in common', 'no_common_cases');
  const n = cases.length;
  const mean = (f: (c: (typeof cases)[number]) => number) => round(cases.reduce((s, c) => s + f(c), 0) / n);
  const interval = pairedBootstrapInterval(
    cases.map((c) => c.score - c.baseline_score),
    { seed: seedFrom(`${run.id}|${baseline.id}`) },
  );
  const score = mean((c) => c.score);
  const baselineScore = mean((c) => c.baseline_score);
  return {
    eval_run_id: run.id,
    baseline_eval_run_id: baseline.id,
    eval_suite_id: run.eval_suite_id,
    aggregate: {
      score,
      baseline_score: baselineScore,
      delta: round(score - baselineScore),
      pass_rate: mean((c) => (c.passed ? 1 : 0)),
      baseline_pass_rate: mean((c) => (c.baseline_passed ? 1 : 0)),
      confidence_interval: interval,
      significant: interval.lower > 0 || interval.upper < 0,
      cost_usd_delta: round(run.cost_usd - baseline.cost_usd),
      latency_p95_ms_delta: round((run.metrics?.latency_ms.p95 ?? 0) - (baseline.metrics?.latency_ms.p95 ?? 0)),
    },
    cases,
  };
}
