import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { ConflictError, ForbiddenError } from '../shared/errors.js';
import { recordEvent } from '../outbox/record-event.js';
import { recordAudit } from '../audit/record-audit.js';
import { parseInput } from '../shared/parse-input.js';
import { CreateProjectInput, toProject, type Project } from './project.js';
import { requireAdmin } from './require-admin.js';

/** Creates a project in the caller's tenant (admin, tenant-wide key only); names are unique. */
export async function createProject(db: Kysely<DB>, ctx: ServiceContext, input: unknown): Promise<Project> {
  requireAdmin(ctx, 'creating projects');
  if (ctx.projectId) throw new ForbiddenError('a project-scoped API key cannot create projects');
  const body = parseInput(CreateProjectInput, input, 'project');
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('projects')
      .values({ id: ctx.ids.next(), tenant_id: ctx.tenantId, name: body.name, created_at: ctx.clock.now() })
      .onConflict((oc) => oc.columns(['tenant_id', 'name']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new ConflictError(`a project named ${body.name} already exists`, 'project_exists');
    const project = toProject(row);
    await recordEvent(trx, ctx, { type: 'project.created', resourceType: 'project', resourceId: project.id, projectId: project.id, payload: { project } });
    await recordAudit(trx, ctx, {
      action: 'project.create',
      resourceType: 'project',
      resourceId: project.id,
      projectId: project.id,
      summary: `created project ${project.name}`,
    });
    return project;
  });
}
