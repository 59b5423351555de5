import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { ForbiddenError, NotFoundError } from '../shared/errors.js';

/** The project a new upload or dataset belongs to; a project-scoped key may only use its own. */
export async function resolveDatasetProject(db: Kysely<DB> | Transaction<DB>, ctx: ServiceContext, requested: string | undefined): Promise<string | null> {
  if (ctx.projectId && requested && requested !== ctx.projectId) throw new ForbiddenError('this API key is limited to another project');
  const projectId = requested ?? ctx.projectId;
  if (!projectId) return null;
  const found = await db.selectFrom('projects').select('id').where('tenant_id', '=', ctx.tenantId).where('id', '=', projectId).executeTakeFirst();
  if (!found) throw new NotFoundError('project', projectId, 'project_id');
  return projectId;
}
