import type { ServiceContext } from '../shared/context.js';
import { NotFoundError } from '../shared/errors.js';
import type { ProviderAdminDeps } from './provider-credential-info.js';
import type { ProviderDescription } from './fine-tune-provider-resolver.js';

/** The registered provider named in the path; an unknown name is a 404 like any unknown resource. */
export function registeredProvider(deps: Pick<ProviderAdminDeps, 'providers'>, name: string): ProviderDescription {
  if (!deps.providers.names().includes(name)) throw new NotFoundError('provider', name);
  return deps.providers.describe(name);
}

/** A project of the caller's tenant (another tenant's, or a missing one, is a 404). */
export async function assertProjectOfTenant(deps: Pick<ProviderAdminDeps, 'db'>, ctx: ServiceContext, projectId: string): Promise<void> {
  const row = await deps.db.selectFrom('projects').select('id').where('tenant_id', '=', ctx.tenantId).where('id', '=', projectId).executeTakeFirst();
  if (!row) throw new NotFoundError('project', projectId);
}
