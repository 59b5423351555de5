import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { NotFoundError } from '../shared/errors.js';
import { isUuid } from '../shared/ids.js';
import { decodeIdCursor, toIdPage, type Page } from '../db/pagination.js';
import { parseInput } from '../shared/parse-input.js';
import { ListReEvalsInput, toReEval, type ReEval, type ReEvalRow, type ReEvalRunRow } from './re-eval.js';

/** Runs kept on a re-eval's page: the contract shows the 50 most recent. */
export const RECENT_RUNS = 50;

/** The re-eval row the caller may see, or NotFoundError; `forUpdate` inside a transaction. */
export async function findReEvalRow(db: Kysely<DB> | Transaction<DB>, ctx: Pick<ServiceContext, 'tenantId' | 'projectId'>, id: string, forUpdate = false): Promise<ReEvalRow> {
  if (!isUuid(id)) throw new NotFoundError('re_eval', id);
  let q = db.selectFrom('re_evals').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', id);
  if (ctx.projectId) q = q.where('project_id', '=', ctx.projectId);
  const row = await (forUpdate ? q.forUpdate() : q).executeTakeFirst();
  if (!row) throw new NotFoundError('re_eval', id);
  return row;
}

/** The most recent runs of several re-evals, newest first, grouped by re-eval. */
export async function recentRuns(db: Kysely<DB> | Transaction<DB>, tenantId: string, reEvalIds: readonly string[]): Promise<Map<string, ReEvalRunRow[]>> {
  const byReEval = new Map<string, ReEvalRunRow[]>(reEvalIds.map((id) => [id, []]));
  if (reEvalIds.length === 0) return byReEval;
  const rows = await db
    .selectFrom('re_eval_runs')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('re_eval_id', 'in', reEvalIds)
    .where((eb) => eb('id', 'in', eb.selectFrom('re_eval_runs as r').select('r.id').whereRef('r.re_eval_id', '=', 're_eval_runs.re_eval_id').orderBy('r.scheduled_for', 'desc').limit(RECENT_RUNS)))
    .orderBy('scheduled_for', 'desc')
    .execute();
  for (const row of rows) byReEval.get(row.re_eval_id)?.push(row);
  return byReEval;
}

/** `GET /monitoring/re-evals/{id}`: with its 50 most recent runs. */
export async function getReEval(db: Kysely<DB>, ctx: ServiceContext, id: string): Promise<ReEval> {
  const row = await findReEvalRow(db, ctx, id);
  return toReEval(row, (await recentRuns(db, ctx.tenantId, [row.id])).get(row.id) ?? []);
}

/** `GET /monitoring/re-evals`: newest first, filtered by status and suite. */
export async function listReEvals(db: Kysely<DB>, ctx: ServiceContext, query: unknown): Promise<Page<ReEval>> {
  const q = parseInput(ListReEvalsInput, query ?? {}, 're-eval list query');
  let rows = db.selectFrom('re_evals').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (ctx.projectId) rows = rows.where('project_id', '=', ctx.projectId);
  if (q.eval_suite_id) rows = rows.where('eval_suite_id', '=', q.eval_suite_id);
  if (q.status === 'completed') rows = rows.where('schedule', '=', 'immediate').where('next_run_at', 'is', null).where('last_run_at', 'is not', null);
  else if (q.status) rows = rows.where('status', '=', q.status);
  if (q.cursor) rows = rows.where('id', '<', decodeIdCursor(q.cursor));
  const found = await rows
    .orderBy('id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const runs = await recentRuns(
    db,
    ctx.tenantId,
    found.slice(0, q.limit).map((r) => r.id),
  );
  return toIdPage(found, q.limit, (row) => toReEval(row, runs.get(row.id) ?? []));
}
