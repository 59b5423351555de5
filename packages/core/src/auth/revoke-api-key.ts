import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { NotFoundError } from '../shared/errors.js';
import { isUuid } from '../shared/ids.js';
import { recordEvent } from '../outbox/record-event.js';
import { recordAudit } from '../audit/record-audit.js';
import { toApiKey, type ApiKey } from './api-key.js';
import { requireAdmin } from './require-admin.js';

/** Revokes a key of the caller's tenant (admin only). Revoking a revoked key returns it unchanged. */
export async function revokeApiKey(db: Kysely<DB>, ctx: ServiceContext, id: string): Promise<ApiKey> {
  requireAdmin(ctx, 'revoking API keys');
  if (!isUuid(id)) throw new NotFoundError('api_key', id);
  return db.transaction().execute(async (trx) => {
    let q = trx.selectFrom('api_keys').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', id);
    if (ctx.projectId) q = q.where('project_id', '=', ctx.projectId);
    const row = await q.forUpdate().executeTakeFirst();
    if (!row) throw new NotFoundError('api_key', id);
    if (row.revoked_at !== null) return toApiKey(row);
    const updated = await trx.updateTable('api_keys').set({ revoked_at: ctx.clock.now() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    const key = toApiKey(updated);
    await recordEvent(trx, ctx, { type: 'api_key.revoked', resourceType: 'api_key', resourceId: id, projectId: key.project_id, payload: { api_key: key } });
    await recordAudit(trx, ctx, {
      action: 'api_key.revoke',
      resourceType: 'api_key',
      resourceId: id,
      projectId: key.project_id,
      summary: `revoked API key ${key.name} (${key.prefix}…)`,
    });
    return key;
  });
}
