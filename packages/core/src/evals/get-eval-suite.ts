import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { NotFoundError } from '../shared/errors.js';
import { isUuid } from '../shared/ids.js';
import { decodeIdCursor, toPage, type Page } from '../db/pagination.js';
import { parseInput } from '../shared/parse-input.js';
import { PageParams } from '../db/pagination.js';
import { toEvalCase, toEvalSuite, type EvalCase, type EvalSuite } from './eval-suite.js';
import type { EvalSuiteRow } from './eval-suite.js';

/** The suite row the caller may see (tenant, and project for scoped keys), or NotFoundError. */
export async function findEvalSuiteRow(db: Kysely<DB>, ctx: ServiceContext, id: string): Promise<EvalSuiteRow> {
  if (!isUuid(id)) throw new NotFoundError('eval_suite', id);
  let q = db.selectFrom('eval_suites').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', id);
  if (ctx.projectId) q = q.where('project_id', '=', ctx.projectId);
  const row = await q.executeTakeFirst();
  if (!row) throw new NotFoundError('eval_suite', id);
  return row;
}

/** `GET /eval-suites/{id}`. */
export async function getEvalSuite(db: Kysely<DB>, ctx: ServiceContext, id: string): Promise<EvalSuite> {
  return toEvalSuite(await findEvalSuiteRow(db, ctx, id));
}

/** `GET /eval-suites/{id}/cases`: in suite order, keyset-paginated by case id (ids follow positions). */
export async function listEvalSuiteCases(db: Kysely<DB>, ctx: ServiceContext, id: string, query: unknown): Promise<Page<EvalCase>> {
  const input = parseInput(PageParams.strict(), query, 'query');
  const suite = await findEvalSuiteRow(db, ctx, id);
  let q = db.selectFrom('eval_cases').selectAll().where('tenant_id', '=', ctx.tenantId).where('eval_suite_id', '=', suite.id);
  if (input.cursor) q = q.where('id', '>', decodeIdCursor(input.cursor));
  const rows = await q
    .orderBy('id', 'asc')
    .limit(input.limit + 1)
    .execute();
  return toPage(rows, input.limit, toEvalCase, (r) => ({ id: r.id }));
}
