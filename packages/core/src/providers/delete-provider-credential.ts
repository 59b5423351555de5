import type { ServiceContext } from '../shared/context.js';
import { ForbiddenError, NotFoundError } from '../shared/errors.js';
import { parseInput } from '../shared/parse-input.js';
import { recordEvent } from '../outbox/record-event.js';
import { recordAudit } from '../audit/record-audit.js';
import { requireAdmin } from '../auth/require-admin.js';
import { PROVIDER_CREDENTIAL_KIND } from './provider-credentials.js';
import { DeleteProviderCredentialInput, toProviderCredentialInfo, type ProviderAdminDeps, type ProviderCredentialInfo } from './provider-credential-info.js';
import { registeredProvider } from './provider-scope-checks.js';

/**
 * `DELETE /providers/{provider}/credentials[?project_id=]` (admin): deletes the tenant's (or that
 * project's) credential; later calls of that scope fall back to the next one (tenant, then the
 * server's). One transaction deletes it and writes `provider_credential.deleted` and the audit row.
 * Nothing stored at that scope is a 404.
 */
export async function deleteProviderCredential(deps: ProviderAdminDeps, ctx: ServiceContext, provider: string, query: unknown): Promise<ProviderCredentialInfo> {
  requireAdmin(ctx, 'deleting provider credentials');
  registeredProvider(deps, provider);
  const input = parseInput(DeleteProviderCredentialInput, query, 'query');
  const projectId = input.project_id ?? ctx.projectId;
  if (ctx.projectId && projectId !== ctx.projectId) throw new ForbiddenError('this API key is limited to another project');
  return deps.db.transaction().execute(async (trx) => {
    const info = await deps.secrets.delete(trx, { tenantId: ctx.tenantId, projectId, kind: PROVIDER_CREDENTIAL_KIND, name: provider });
    if (!info) throw new NotFoundError(`${provider} credential of ${projectId ? `project ${projectId}` : 'the tenant'}`);
    const credential = toProviderCredentialInfo(info);
    await recordEvent(trx, ctx, { type: 'provider_credential.deleted', resourceType: 'provider_credential', resourceId: credential.id, projectId, payload: { provider_credential: credential } });
    await recordAudit(trx, ctx, {
      action: 'provider_credential.delete',
      resourceType: 'provider_credential',
      resourceId: credential.id,
      projectId,
      summary: `deleted the ${provider} credential of ${projectId ? `project ${projectId}` : 'the tenant'}`,
      details: { provider, project_id: projectId },
    });
    return credential;
  });
}
