import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { NotFoundError } from '../shared/errors.js';
import { isUuid } from '../shared/ids.js';
import { decodeIdCursor, toIdPage, type Page } from '../db/pagination.js';
import { parseInput } from '../shared/parse-input.js';
import { ListEvalRunsInput, toEvalRun, type EvalRun } from './eval-run.js';
import type { EvalRunRow } from './eval-run.js';

/** The run row the caller may see (tenant, and project for scoped keys), or NotFoundError. */
export async function findEvalRunRow(db: Kysely<DB>, ctx: Pick<ServiceContext, 'tenantId' | 'projectId'>, id: string): Promise<EvalRunRow> {
  if (!isUuid(id)) throw new NotFoundError('eval_run', id);
  let q = db.selectFrom('eval_runs').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', id);
  if (ctx.projectId) q = q.where('project_id', '=', ctx.projectId);
  const row = await q.executeTakeFirst();
  if (!row) throw new NotFoundError('eval_run', id);
  return row;
}

/** `GET /eval-runs/{id}`: with partial metrics while running. */
export async function getEvalRun(db: Kysely<DB>, ctx: ServiceContext, id: string): Promise<EvalRun> {
  return toEvalRun(await findEvalRunRow(db, ctx, id));
}

/** `GET /eval-runs`: newest first, filtered by project, suite, model version and status. */
export async function listEvalRuns(db: Kysely<DB>, ctx: ServiceContext, query: unknown): Promise<Page<EvalRun>> {
  const input = parseInput(ListEvalRunsInput, query, 'query');
  let q = db.selectFrom('eval_runs').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (ctx.projectId) q = q.where('project_id', '=', ctx.projectId);
  if (input.project_id) q = q.where('project_id', '=', input.project_id);
  if (input.eval_suite_id) q = q.where('eval_suite_id', '=', input.eval_suite_id);
  if (input.model_version_id) q = q.where('model_version_id', '=', input.model_version_id);
  if (input.status) q = q.where('status', '=', input.status);
  if (input.cursor) q = q.where('id', '<', decodeIdCursor(input.cursor));
  const rows = await q
    .orderBy('id', 'desc')
    .limit(input.limit + 1)
    .execute();
  return toIdPage(rows, input.limit, toEvalRun);
}
