import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { decodeIdCursor, toIdPage, type Page } from '../db/pagination.js';
import { parseInput } from '../shared/parse-input.js';
import { ListProjectsInput, toProject, type Project } from './project.js';

/** The tenant's projects, newest first; a project-scoped key sees only its own. */
export async function listProjects(db: Kysely<DB>, ctx: ServiceContext, query: unknown): Promise<Page<Project>> {
  const input = parseInput(ListProjectsInput, query, 'query');
  let q = db.selectFrom('projects').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (ctx.projectId) q = q.where('id', '=', ctx.projectId);
  if (input.cursor) q = q.where('id', '<', decodeIdCursor(input.cursor));
  const rows = await q
    .orderBy('id', 'desc')
    .limit(input.limit + 1)
    .execute();
  return toIdPage(rows, input.limit, toProject);
}
