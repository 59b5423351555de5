import type { ServiceContext } from '../shared/context.js';
import type { WebhookDeps } from './webhook-deps.js';
import { toWebhookDelivery, type WebhookDelivery } from './webhook-delivery.js';
import { attemptsOf, findDelivery } from './delivery-scope.js';

/** `GET /webhooks/deliveries/{id}`: status and every attempt with its code, latency and error. */
export async function getWebhookDelivery(deps: WebhookDeps, ctx: ServiceContext, id: string): Promise<WebhookDelivery> {
  const row = await findDelivery(deps.db, ctx, id);
  const attempts = await attemptsOf(deps.db, ctx.tenantId, [row.id]);
  return toWebhookDelivery(row, attempts.get(row.id) ?? []);
}
