import type { ServiceContext } from '../shared/context.js';
import { recordEvent } from '../outbox/record-event.js';
import { recordAudit } from '../audit/record-audit.js';
import { parseInput } from '../shared/parse-input.js';
import type { WebhookDeps } from './webhook-deps.js';
import { toWebhookEndpoint, UpdateWebhookEndpointInput, type WebhookEndpoint } from './webhook-endpoint.js';
import { checkEndpointUrl, findEndpoint } from './endpoint-scope.js';
import { enqueueDeliveries } from './enqueue-deliveries.js';

/** Deliveries resumed at once when an endpoint is re-enabled; the sweeper takes any others. */
const RESUME_NOW_LIMIT = 500;

/**
 * `PATCH /webhook-endpoints/{id}`. Disabling pauses the endpoint: deliveries already scheduled
 * wait (`next_attempt_at` cleared when their turn comes) and new events are not fanned out to
 * it. Re-enabling clears the reason (e.g. `gone` after a 410) and resumes the waiting ones now.
 */
export async function updateWebhookEndpoint(deps: WebhookDeps, ctx: ServiceContext, id: string, input: unknown): Promise<WebhookEndpoint> {
  const body = parseInput(UpdateWebhookEndpointInput, input, 'webhook endpoint');
  const url = body.url === undefined ? undefined : await checkEndpointUrl(deps, body.url);
  const now = ctx.clock.now();
  const { endpoint, resumed } = await deps.db.transaction().execute(async (trx) => {
    const before = await findEndpoint(trx, ctx, id, { forUpdate: true });
    const enabling = body.enabled === true && !before.enabled;
    const disabling = body.enabled === false && before.enabled;
    const row = await trx
      .updateTable('webhook_endpoints')
      .set({
        ...(url !== undefined ? { url } : {}),
        ...(body.event_types !== undefined ? { event_types: body.event_types } : {}),
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
        ...(enabling ? { disabled_reason: null } : disabling ? { disabled_reason: 'disabled' } : {}),
        updated_at: now,
      })
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    let resumedIds: { id: string; attempt_count: number }[] = [];
    if (enabling) {
      resumedIds = await trx
        .updateTable('webhook_deliveries')
        .set({ next_attempt_at: now, updated_at: now })
        .where('tenant_id', '=', ctx.tenantId)
        .where('endpoint_id', '=', before.id)
        .where('status', '=', 'pending')
        .where('next_attempt_at', 'is', null)
        .returning(['id', 'attempt_count'])
        .execute();
    }
    const endpoint = toWebhookEndpoint(row, now);
    const changed = Object.keys(body);
    await recordEvent(trx, ctx, {
      type: 'webhook_endpoint.updated',
      resourceType: 'webhook_endpoint',
      resourceId: endpoint.id,
      projectId: endpoint.project_id,
      payload: { webhook_endpoint: endpoint, changed },
    });
    await recordAudit(trx, ctx, {
      action: enabling ? 'webhook_endpoint.enable' : disabling ? 'webhook_endpoint.disable' : 'webhook_endpoint.update',
      resourceType: 'webhook_endpoint',
      resourceId: endpoint.id,
      projectId: endpoint.project_id,
      summary: `updated webhook endpoint ${new URL(endpoint.url).host} (${changed.join(', ')})${resumedIds.length > 0 ? `; ${resumedIds.length} waiting deliveries resumed` : ''}`,
      details: { changed, ...(url !== undefined ? { url } : {}), resumed_deliveries: resumedIds.length },
    });
    return { endpoint, resumed: resumedIds };
  });
  await enqueueDeliveries(deps, resumed.slice(0, RESUME_NOW_LIMIT), 0, `resume${now.getTime()}`);
  return endpoint;
}
