import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { decodeIdCursor, toIdPage, type Page } from '../db/pagination.js';
import { parseInput } from '../shared/parse-input.js';
import { ListApiKeysInput, toApiKey, type ApiKey } from './api-key.js';
import { requireAdmin } from './require-admin.js';

/** The tenant's keys, newest first (admin only; a scoped admin sees its project's keys). */
export async function listApiKeys(db: Kysely<DB>, ctx: ServiceContext, query: unknown): Promise<Page<ApiKey>> {
  requireAdmin(ctx, 'listing API keys');
  const input = parseInput(ListApiKeysInput, query, 'query');
  let q = db.selectFrom('api_keys').selectAll().where('tenant_id', '=', ctx.tenantId);
  if (ctx.projectId) q = q.where('project_id', '=', ctx.projectId);
  if (input.project_id) q = q.where('project_id', '=', input.project_id);
  if (!input.include_revoked) q = q.where('revoked_at', 'is', null);
  if (input.cursor) q = q.where('id', '<', decodeIdCursor(input.cursor));
  const rows = await q
    .orderBy('id', 'desc')
    .limit(input.limit + 1)
    .execute();
  return toIdPage(rows, input.limit, toApiKey);
}
