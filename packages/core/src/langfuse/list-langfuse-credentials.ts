import { requireAdmin } from '../auth/require-admin.js';
import { decodeIdCursor, toIdPage, type Page } from '../db/pagination.js';
import type { ServiceContext } from '../shared/context.js';
import { ForbiddenError } from '../shared/errors.js';
import { parseInput } from '../shared/parse-input.js';
import { LANGFUSE_SECRET, ListLangfuseCredentialsInput, toLangfuseCredentialInfo, type LangfuseAdminDeps, type LangfuseCredentialInfo } from './langfuse-credentials.js';

/** `GET /integrations/langfuse/credentials` (admin): which scopes have a Langfuse key pair, oldest first. Never the keys. */
export async function listLangfuseCredentials(deps: LangfuseAdminDeps, ctx: ServiceContext, query: unknown): Promise<Page<LangfuseCredentialInfo>> {
  requireAdmin(ctx, 'listing Langfuse credentials');
  const input = parseInput(ListLangfuseCredentialsInput, query, 'query');
  if (ctx.projectId && input.project_id && input.project_id !== ctx.projectId) throw new ForbiddenError('this API key is limited to another project');
  const projectId = input.project_id ?? ctx.projectId;
  const rows = await deps.secrets.list(deps.db, {
    tenantId: ctx.tenantId,
    ...LANGFUSE_SECRET,
    ...(projectId ? { projectId } : {}),
    ...(input.cursor ? { afterId: decodeIdCursor(input.cursor) } : {}),
    limit: input.limit + 1,
  });
  return toIdPage(rows, input.limit, toLangfuseCredentialInfo);
}
