import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { decodeIdCursor, toPage, type Page } from '../db/pagination.js';
import { parseInput } from '../shared/parse-input.js';
import { ListEvalResultsInput, type EvalCaseResult } from './eval-run.js';
import type { GraderVerdict } from './graders/grader-types.js';
import { findEvalRunRow } from './get-eval-run.js';

/** `GET /eval-runs/{id}/results`: case order, `passed=false` for failures only, `tag` to filter. */
export async function listEvalRunResults(db: Kysely<DB>, ctx: ServiceContext, id: string, query: unknown): Promise<Page<EvalCaseResult>> {
  const input = parseInput(ListEvalResultsInput, query, 'query');
  const run = await findEvalRunRow(db, ctx, id);
  let q = db
    .selectFrom('eval_case_results as r')
    .innerJoin('eval_cases as c', (j) => j.onRef('c.id', '=', 'r.case_id').onRef('c.tenant_id', '=', 'r.tenant_id'))
    .select(['r.case_id', 'c.position', 'c.tags', 'r.passed', 'r.score', 'r.grader_results', 'r.output', 'r.error', 'r.latency_ms', 'r.input_tokens', 'r.output_tokens', 'r.cost_usd'])
    .where('r.tenant_id', '=', ctx.tenantId)
    .where('r.eval_run_id', '=', run.id);
  if (input.passed !== undefined) q = q.where('r.passed', '=', input.passed);
  if (input.tag) q = q.where(sql<boolean>`${input.tag} = any(c.tags)`);
  if (input.cursor) q = q.where('r.case_id', '>', decodeIdCursor(input.cursor));
  const rows = await q
    .orderBy('r.case_id', 'asc')
    .limit(input.limit + 1)
    .execute();
  return toPage(
    rows,
    input.limit,
    (r): EvalCaseResult => ({
      case_id: r.case_id,
      position: r.position,
      tags: r.tags,
      passed: r.passed,
      score: r.score,
      output: r.output as EvalCaseResult['output'],
      graders: r.grader_results as unknown as GraderVerdict[],
      latency_ms: r.latency_ms,
      tokens: { input: r.input_tokens, output: r.output_tokens },
      cost_usd: Number(r.cost_usd),
      error: r.error,
    }),
    (r) => ({ id: r.case_id }),
  );
}
