import { recordAudit } from '../audit/record-audit.js';
import { requireAdmin } from '../auth/require-admin.js';
import { recordEvent } from '../outbox/record-event.js';
import type { ServiceContext } from '../shared/context.js';
import { ForbiddenError, NotFoundError } from '../shared/errors.js';
import { parseInput } from '../shared/parse-input.js';
import { DeleteLangfuseCredentialInput, LANGFUSE_SECRET, toLangfuseCredentialInfo, type LangfuseAdminDeps, type LangfuseCredentialInfo } from './langfuse-credentials.js';

/**
 * `DELETE /integrations/langfuse/credentials[?project_id=]` (admin): deletes the tenant's (or that
 * project's) key pair; one transaction deletes it and writes `langfuse_credential.deleted` and the
 * audit row. Nothing stored at that scope is a 404.
 */
export async function deleteLangfuseCredential(deps: LangfuseAdminDeps, ctx: ServiceContext, query: unknown): Promise<LangfuseCredentialInfo> {
  requireAdmin(ctx, 'deleting Langfuse credentials');
  const input = parseInput(DeleteLangfuseCredentialInput, query, 'query');
  const projectId = input.project_id ?? ctx.projectId;
  if (ctx.projectId && projectId !== ctx.projectId) throw new ForbiddenError('this API key is limited to another project');
  return deps.db.transaction().execute(async (trx) => {
    const info = await deps.secrets.delete(trx, { tenantId: ctx.tenantId, projectId, ...LANGFUSE_SECRET });
    if (!info) throw new NotFoundError(`Langfuse credential of ${projectId ? `project ${projectId}` : 'the tenant'}`);
    const credential = toLangfuseCredentialInfo(info);
    await recordEvent(trx, ctx, { type: 'langfuse_credential.deleted', resourceType: 'langfuse_credential', resourceId: credential.id, projectId, payload: { langfuse_credential: credential } });
    await recordAudit(trx, ctx, {
      action: 'langfuse_credential.delete',
      resourceType: 'langfuse_credential',
      resourceId: credential.id,
      projectId,
      summary: `deleted the Langfuse key pair of ${projectId ? `project ${projectId}` : 'the tenant'}`,
      details: { project_id: projectId },
    });
    return credential;
  });
}
