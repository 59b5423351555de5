import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { decodeIdCursor, toIdPage, type Page } from '../db/pagination.js';
import { parseInput } from '../shared/parse-input.js';
import { ListEvalSuitesInput, toEvalSuite, type EvalSuite } from './eval-suite.js';

/** `GET /eval-suites`: newest first, filtered by project, suite group and name. */
export async function listEvalSuites(db: Kysely<DB>, ctx: ServiceContext, query: unknown): Promise<Page<EvalSuite>> {
  const input = parseInput(ListEvalSuitesInput, query, 'query');
  let q = db.selectFrom('eval_suites').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (ctx.projectId) q = q.where('project_id', '=', ctx.projectId);
  if (input.project_id) q = q.where('project_id', '=', input.project_id);
  if (input.suite_group_id) q = q.where('suite_group_id', '=', input.suite_group_id);
  if (input.name) q = q.where('name', '=', input.name);
  if (input.cursor) q = q.where('id', '<', decodeIdCursor(input.cursor));
  const rows = await q
    .orderBy('id', 'desc')
    .limit(input.limit + 1)
    .execute();
  return toIdPage(rows, input.limit, toEvalSuite);
}
