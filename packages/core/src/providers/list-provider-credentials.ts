import type { ServiceContext } from '../shared/context.js';
import { ForbiddenError } from '../shared/errors.js';
import { decodeIdCursor, toIdPage, type Page } from '../db/pagination.js';
import { parseInput } from '../shared/parse-input.js';
import { requireAdmin } from '../auth/require-admin.js';
import { PROVIDER_CREDENTIAL_KIND } from './provider-credentials.js';
import { ListProviderCredentialsInput, toProviderCredentialInfo, type ProviderAdminDeps, type ProviderCredentialInfo } from './provider-credential-info.js';
import { registeredProvider } from './provider-scope-checks.js';

/**
 * `GET /providers/{provider}/credentials` (admin): which scopes have a credential for a provider
 * (the tenant's and its projects'; for a project-scoped key or `project_id`, that project's and the
 * tenant's), oldest first. Never the keys.
 */
export async function listProviderCredentials(deps: ProviderAdminDeps, ctx: ServiceContext, provider: string, query: unknown): Promise<Page<ProviderCredentialInfo>> {
  requireAdmin(ctx, 'listing provider credentials');
  registeredProvider(deps, provider);
  const input = parseInput(ListProviderCredentialsInput, query, 'query');
  if (ctx.projectId && input.project_id && input.project_id !== ctx.projectId) throw new ForbiddenError('this API key is limited to another project');
  const projectId = input.project_id ?? ctx.projectId;
  const rows = await deps.secrets.list(deps.db, {
    tenantId: ctx.tenantId,
    kind: PROVIDER_CREDENTIAL_KIND,
    name: provider,
    ...(projectId ? { projectId } : {}),
    ...(input.cursor ? { afterId: decodeIdCursor(input.cursor) } : {}),
    limit: input.limit + 1,
  });
  return toIdPage(rows, input.limit, toProviderCredentialInfo);
}
