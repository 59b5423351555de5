import type { ServiceContext } from '../shared/context.js';
import { ConflictError } from '../shared/errors.js';
import { recordEvent } from '../outbox/record-event.js';
import { recordAudit } from '../audit/record-audit.js';
import type { WebhookDeps } from './webhook-deps.js';
import { toWebhookDelivery, type WebhookDelivery } from './webhook-delivery.js';
import { nextWebhookDeliveryStatus } from './webhook-delivery-state-machine.js';
import { attemptsOf, findDelivery } from './delivery-scope.js';
import { enqueueDeliveries } from './enqueue-deliveries.js';

/**
 * `POST /webhooks/deliveries/{id}/redeliver`: a new attempt now, whatever the status, with the
 * same event id (`webhook-id`) and a fresh timestamp and signature. If it fails, a fresh, short
 * sequence follows: the first `redeliverRetrySteps` delays of the schedule (default 3: now, 5 s,
 * 5 min), then a dead letter. The endpoint must exist and be enabled.
 */
export async function redeliverWebhookDelivery(deps: WebhookDeps, ctx: ServiceContext, id: string): Promise<WebhookDelivery> {
  const now = ctx.clock.now();
  const delivery = await deps.db.transaction().execute(async (trx) => {
    const before = await findDelivery(trx, ctx, id, { forUpdate: true });
    const endpoint = await trx.selectFrom('webhook_endpoints').select(['enabled', 'deleted_at', 'project_id']).where('id', '=', before.endpoint_id).executeTakeFirstOrThrow();
    if (endpoint.deleted_at !== null) throw new ConflictError('the endpoint of this delivery was deleted', 'endpoint_deleted');
    if (!endpoint.enabled) throw new ConflictError('the endpoint of this delivery is disabled; enable it first', 'endpoint_disabled');
    const row = await trx
      .updateTable('webhook_deliveries')
      // A fresh, short sequence from the next attempt on, wherever the delivery was in its schedule.
      .set({
        status: nextWebhookDeliveryStatus(before.status, 'redeliver'),
        retry_from_attempt: before.attempt_count,
        retry_steps: deps.settings.redeliverRetrySteps,
        next_attempt_at: now,
        updated_at: now,
      })
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const attempts = await attemptsOf(trx, ctx.tenantId, [row.id]);
    const delivery = toWebhookDelivery(row, attempts.get(row.id) ?? []);
    await recordEvent(trx, ctx, {
      type: 'webhook_delivery.redelivered',
      resourceType: 'webhook_delivery',
      resourceId: row.id,
      projectId: endpoint.project_id,
      payload: { delivery },
    });
    await recordAudit(trx, ctx, {
      action: 'webhook_delivery.redeliver',
      resourceType: 'webhook_delivery',
      resourceId: row.id,
      projectId: endpoint.project_id,
      summary: `requested a new attempt of the ${row.event_type} delivery (was ${before.status})`,
      details: { previous_status: before.status, endpoint_id: row.endpoint_id, event_id: row.event_id },
    });
    return delivery;
  });
  await enqueueDeliveries(deps, [delivery], 0, `redeliver${now.getTime()}`);
  return delivery;
}
