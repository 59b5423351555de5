import type { ServiceContext } from '../shared/context.js';
import { NotFoundError } from '../shared/errors.js';
import { recordEvent } from '../outbox/record-event.js';
import { recordAudit } from '../audit/record-audit.js';
import { parseInput } from '../shared/parse-input.js';
import type { WebhookDeps } from './webhook-deps.js';
import { ReplayWebhookDeliveriesInput, type ReplayWebhookDeliveriesResult } from './webhook-delivery.js';
import { nextWebhookDeliveryStatus } from './webhook-delivery-state-machine.js';
import { scopedDeliveries } from './delivery-scope.js';
import { enqueueDeliveries } from './enqueue-deliveries.js';

/** Dead letters requeued per statement; a replay runs as many batches as it needs. */
const BATCH = 500;

/**
 * `POST /webhooks/deliveries/replay`: every dead letter that died at or after `since` (optionally
 * of one endpoint) goes back to `pending` with a fresh round of attempts, starting now. Dead
 * letters of disabled or deleted endpoints stay where they are.
 */
export async function replayWebhookDeliveries(deps: WebhookDeps, ctx: ServiceContext, input: unknown): Promise<ReplayWebhookDeliveriesResult> {
  const body = parseInput(ReplayWebhookDeliveriesInput, input, 'replay');
  const since = new Date(body.since);
  const now = ctx.clock.now();
  const requeued: { id: string; attempt_count: number }[] = [];
  await deps.db.transaction().execute(async (trx) => {
    if (body.endpoint_id) {
      let e = trx.selectFrom('webhook_endpoints').select('id').where('tenant_id', '=', ctx.tenantId).where('id', '=', body.endpoint_id);
      if (ctx.projectId) e = e.where('project_id', '=', ctx.projectId);
      if (!(await e.executeTakeFirst())) throw new NotFoundError('webhook endpoint', body.endpoint_id, 'endpoint_id');
    }
    for (;;) {
      let q = scopedDeliveries(trx, ctx)
        .clearSelect()
        .select('d.id')
        .where('d.status', '=', 'dead_letter')
        .where('d.updated_at', '>=', since)
        .where((eb) =>
          eb.exists(eb.selectFrom('webhook_endpoints as live').select('live.id').whereRef('live.id', '=', 'd.endpoint_id').where('live.enabled', '=', true).where('live.deleted_at', 'is', null)),
        );
      if (body.endpoint_id) q = q.where('d.endpoint_id', '=', body.endpoint_id);
      const ids = (await q.orderBy('d.id').limit(BATCH).forUpdate('d').execute()).map((r) => r.id);
      if (ids.length === 0) break;
      const rows = await trx
        .updateTable('webhook_deliveries')
        .set((eb) => ({ status: nextWebhookDeliveryStatus('dead_letter', 'replay'), retry_from_attempt: eb.ref('attempt_count'), retry_steps: null, next_attempt_at: now, updated_at: now }))
        .where('id', 'in', ids)
        .returning(['id', 'attempt_count'])
        .execute();
      requeued.push(...rows);
    }
    const result = { replayed: requeued.length, since: since.toISOString(), endpoint_id: body.endpoint_id ?? null };
    await recordEvent(trx, ctx, {
      type: 'webhook_deliveries.replayed',
      resourceType: 'webhook_endpoint',
      resourceId: body.endpoint_id ?? null,
      payload: result,
    });
    await recordAudit(trx, ctx, {
      action: 'webhook_delivery.replay',
      resourceType: 'webhook_endpoint',
      resourceId: body.endpoint_id ?? null,
      summary: `replayed ${requeued.length} dead-lettered webhook deliveries since ${result.since}`,
      details: result,
    });
  });
  await enqueueDeliveries(deps, requeued, 0, `replay${now.getTime()}`);
  return { replayed: requeued.length, since: since.toISOString(), endpoint_id: body.endpoint_id ?? null };
}
