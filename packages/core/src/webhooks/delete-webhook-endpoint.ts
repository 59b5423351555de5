import type { ServiceContext } from '../shared/context.js';
import { recordEvent } from '../outbox/record-event.js';
import { recordAudit } from '../audit/record-audit.js';
import type { WebhookDeps } from './webhook-deps.js';
import { toWebhookEndpoint } from './webhook-endpoint.js';
import { findEndpoint } from './endpoint-scope.js';

/**
 * `DELETE /webhook-endpoints/{id}`: marks it deleted (history stays) and gives up its pending
 * deliveries (`failed`, `endpoint_deleted`); an attempt in flight finishes but schedules nothing.
 */
export async function deleteWebhookEndpoint(deps: WebhookDeps, ctx: ServiceContext, id: string): Promise<void> {
  const now = ctx.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    const before = await findEndpoint(trx, ctx, id, { forUpdate: true });
    const row = await trx
      .updateTable('webhook_endpoints')
      .set({ deleted_at: now, enabled: false, disabled_reason: 'deleted', updated_at: now })
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const dropped = await trx
      .updateTable('webhook_deliveries')
      .set({ status: 'failed', next_attempt_at: null, last_error: 'endpoint_deleted', updated_at: now })
      .where('tenant_id', '=', ctx.tenantId)
      .where('endpoint_id', '=', before.id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    const endpoint = toWebhookEndpoint(row, now);
    await recordEvent(trx, ctx, {
      type: 'webhook_endpoint.deleted',
      resourceType: 'webhook_endpoint',
      resourceId: endpoint.id,
      projectId: endpoint.project_id,
      payload: { webhook_endpoint: endpoint },
    });
    await recordAudit(trx, ctx, {
      action: 'webhook_endpoint.delete',
      resourceType: 'webhook_endpoint',
      resourceId: endpoint.id,
      projectId: endpoint.project_id,
      summary: `deleted webhook endpoint ${new URL(endpoint.url).host}`,
      details: { dropped_deliveries: Number(dropped.numUpdatedRows) },
    });
  });
}
