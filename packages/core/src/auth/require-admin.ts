import type { ServiceContext } from '../shared/context.js';
import { ForbiddenError } from '../shared/errors.js';

/** Key and project management is for admins; a project-scoped admin stays inside its project. */
export function requireAdmin(ctx: ServiceContext, action: string): void {
  if (ctx.actor.role !== 'admin') throw new ForbiddenError(`${action} needs an admin API key`);
}

/** The project a scoped caller is pinned to, or the one it asked for; another one is forbidden. */
export function pinProject(ctx: ServiceContext, requested: string | undefined): string | null {
  if (ctx.projectId && requested && requested !== ctx.projectId) {
    throw new ForbiddenError('this API key is limited to another project');
  }
  return requested ?? ctx.projectId;
}
