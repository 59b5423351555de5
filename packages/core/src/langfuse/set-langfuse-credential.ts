import { recordAudit } from '../audit/record-audit.js';
import { requireAdmin } from '../auth/require-admin.js';
import { recordEvent } from '../outbox/record-event.js';
import { assertProjectOfTenant } from '../providers/provider-scope-checks.js';
import type { ServiceContext } from '../shared/context.js';
import { ForbiddenError } from '../shared/errors.js';
import { parseInput } from '../shared/parse-input.js';
import { LANGFUSE_SECRET, SetLangfuseCredentialInput, toLangfuseCredentialInfo, type LangfuseAdminDeps, type LangfuseCredentialInfo } from './langfuse-credentials.js';

/**
 * `PUT /integrations/langfuse/credentials` (admin): stores or replaces the tenant's (or one
 * project's) Langfuse key pair and base URL, sealed with FTM_SECRETS_KEY. One transaction writes
 * the secret, the `langfuse_credential.set` event and the audit row; neither carries a key.
 */
export async function setLangfuseCredential(deps: LangfuseAdminDeps, ctx: ServiceContext, input: unknown): Promise<{ readonly credential: LangfuseCredentialInfo; readonly replaced: boolean }> {
  requireAdmin(ctx, 'setting Langfuse credentials');
  const body = parseInput(SetLangfuseCredentialInput, input, 'Langfuse credential');
  const projectId = body.project_id === undefined ? ctx.projectId : body.project_id;
  if (ctx.projectId && projectId !== ctx.projectId) throw new ForbiddenError('this API key is limited to another project');
  if (projectId) await assertProjectOfTenant(deps, ctx, projectId);
  const value = { public_key: body.public_key, secret_key: body.secret_key, ...(body.base_url ? { base_url: body.base_url.replace(/\/+$/, '') } : {}) };
  return deps.db.transaction().execute(async (trx) => {
    const { info, replaced } = await deps.secrets.put(trx, ctx, { tenantId: ctx.tenantId, projectId, ...LANGFUSE_SECRET }, value);
    const credential = toLangfuseCredentialInfo(info);
    await recordEvent(trx, ctx, { type: 'langfuse_credential.set', resourceType: 'langfuse_credential', resourceId: credential.id, projectId, payload: { langfuse_credential: credential, replaced } });
    await recordAudit(trx, ctx, {
      action: replaced ? 'langfuse_credential.replace' : 'langfuse_credential.create',
      resourceType: 'langfuse_credential',
      resourceId: credential.id,
      projectId,
      summary: `${replaced ? 'replaced' : 'stored'} the Langfuse key pair of ${projectId ? `project ${projectId}` : 'the tenant'}`,
      details: { project_id: projectId, fields: credential.fields, key_id: info.keyId },
    });
    return { credential, replaced };
  });
}
