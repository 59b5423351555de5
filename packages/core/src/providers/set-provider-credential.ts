import type { ServiceContext } from '../shared/context.js';
import { ForbiddenError, ValidationError } from '../shared/errors.js';
import { parseInput } from '../shared/parse-input.js';
import { recordEvent } from '../outbox/record-event.js';
import { recordAudit } from '../audit/record-audit.js';
import { requireAdmin } from '../auth/require-admin.js';
import { PROVIDER_CREDENTIAL_KIND } from './provider-credentials.js';
import { SetProviderCredentialInput, toProviderCredentialInfo, type ProviderAdminDeps, type ProviderCredentialInfo } from './provider-credential-info.js';
import { assertProjectOfTenant, registeredProvider } from './provider-scope-checks.js';

/**
 * `PUT /providers/{provider}/credentials` (admin): stores or replaces the tenant's (or one
 * project's) credential for a provider, sealed with FTM_SECRETS_KEY. One transaction writes the
 * secret, the `provider_credential.set` event and the audit row; neither carries the key. A
 * project-scoped admin sets its own project's credential only.
 */
export async function setProviderCredential(
  deps: ProviderAdminDeps,
  ctx: ServiceContext,
  provider: string,
  input: unknown,
): Promise<{ readonly credential: ProviderCredentialInfo; readonly replaced: boolean }> {
  requireAdmin(ctx, 'setting provider credentials');
  const described = registeredProvider(deps, provider);
  const body = parseInput(SetProviderCredentialInput, input, 'provider credential');
  if (described.credentialFields.length === 0) throw new ValidationError(`provider ${provider} takes no credential`, [{ path: 'provider', message: 'a provider that needs no key' }]);
  const refused = (['organization', 'project'] as const).filter((f) => body[f] !== undefined && !described.credentialFields.includes(f));
  if (refused.length > 0)
    throw new ValidationError(
      `provider ${provider} takes no ${refused.join(' or ')}`,
      refused.map((f) => ({ path: f, message: `not a ${provider} credential field` })),
    );
  const projectId = body.project_id === undefined ? ctx.projectId : body.project_id;
  if (ctx.projectId && projectId !== ctx.projectId) throw new ForbiddenError('this API key is limited to another project');
  if (projectId) await assertProjectOfTenant(deps, ctx, projectId);

  const value = { api_key: body.api_key, ...(body.organization ? { organization: body.organization } : {}), ...(body.project ? { project: body.project } : {}) };
  return deps.db.transaction().execute(async (trx) => {
    const { info, replaced } = await deps.secrets.put(trx, ctx, { tenantId: ctx.tenantId, projectId, kind: PROVIDER_CREDENTIAL_KIND, name: provider }, value);
    const credential = toProviderCredentialInfo(info);
    await recordEvent(trx, ctx, { type: 'provider_credential.set', resourceType: 'provider_credential', resourceId: credential.id, projectId, payload: { provider_credential: credential, replaced } });
    await recordAudit(trx, ctx, {
      action: replaced ? 'provider_credential.replace' : 'provider_credential.create',
      resourceType: 'provider_credential',
      resourceId: credential.id,
      projectId,
      summary: `${replaced ? 'replaced' : 'stored'} the ${provider} credential of ${projectId ? `project ${projectId}` : 'the tenant'} (${credential.fields.join(', ')})`,
      details: { provider, project_id: projectId, fields: credential.fields, key_id: info.keyId },
    });
    return { credential, replaced };
  });
}
