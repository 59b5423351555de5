import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { ConflictError, NotFoundError } from '../shared/errors.js';
import { isUuid } from '../shared/ids.js';
import { recordEvent } from '../outbox/record-event.js';
import { recordAudit } from '../audit/record-audit.js';
import { toApiKey, type ApiKey } from './api-key.js';
import { requireAdmin } from './require-admin.js';

/**
 * Revokes a key of the caller's tenant (admin only). Revoking a revoked key returns it unchanged.
 * The tenant's last working admin key cannot be revoked (409 `last_admin_key`): nobody could
 * manage the tenant's keys any more. The tenant's admin rows are locked first, so two admins
 * revoking each other at once cannot both succeed.
 */
export async function revokeApiKey(db: Kysely<DB>, ctx: ServiceContext, id: string): Promise<ApiKey> {
  requireAdmin(ctx, 'revoking API keys');
  if (!isUuid(id)) throw new NotFoundError('api_key', id);
  return db.transaction().execute(async (trx) => {
    let q = trx.selectFrom('api_keys').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', id);
    if (ctx.projectId) q = q.where('project_id', '=', ctx.projectId);
    const row = await q.forUpdate().executeTakeFirst();
    if (!row) throw new NotFoundError('api_key', id);
    if (row.revoked_at !== null) return toApiKey(row);
    if (row.role === 'admin') {
      const now = ctx.clock.now();
      const admins = await trx
        .selectFrom('api_keys')
        .select(['id', 'expires_at'])
        .where('tenant_id', '=', ctx.tenantId)
        .where('role', '=', 'admin')
        .where('revoked_at', 'is', null)
        .orderBy('id')
        .forUpdate()
        .execute();
      const othersWorking = admins.filter((k) => k.id !== id && (k.expires_at === null || new Date(k.expires_at) > now));
      if (othersWorking.length === 0) {
        throw new ConflictError('this is the last admin key of the tenant; create another admin key before revoking it', 'last_admin_key', { api_key_id: id });
      }
    }
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
