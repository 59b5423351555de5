import type { ServiceContext } from '../shared/context.js';
import { decodeIdCursor, toIdPage, type Page } from '../db/pagination.js';
import { parseInput } from '../shared/parse-input.js';
import type { WebhookDeps } from './webhook-deps.js';
import { ListWebhookDeliveriesInput, toWebhookDelivery, type WebhookDelivery } from './webhook-delivery.js';
import { attemptsOf, scopedDeliveries } from './delivery-scope.js';

/** `GET /webhooks/deliveries?status=&endpoint_id=&event_type=`: newest first, keyset by id. */
export async function listWebhookDeliveries(deps: WebhookDeps, ctx: ServiceContext, query: unknown): Promise<Page<WebhookDelivery>> {
  const input = parseInput(ListWebhookDeliveriesInput, query, 'query');
  let q = scopedDeliveries(deps.db, ctx);
  if (input.status) q = q.where('d.status', '=', input.status);
  if (input.endpoint_id) q = q.where('d.endpoint_id', '=', input.endpoint_id);
  if (input.event_type) q = q.where('d.event_type', '=', input.event_type);
  if (input.cursor) q = q.where('d.id', '<', decodeIdCursor(input.cursor));
  const rows = await q
    .orderBy('d.id', 'desc')
    .limit(input.limit + 1)
    .execute();
  const attempts = await attemptsOf(
    deps.db,
    ctx.tenantId,
    rows.slice(0, input.limit).map((r) => r.id),
  );
  return toIdPage(rows, input.limit, (row) => toWebhookDelivery(row, attempts.get(row.id) ?? []));
}
