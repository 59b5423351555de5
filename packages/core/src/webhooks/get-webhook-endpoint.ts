import type { ServiceContext } from '../shared/context.js';
import type { WebhookDeps } from './webhook-deps.js';
import { toWebhookEndpoint, type WebhookEndpoint } from './webhook-endpoint.js';
import { findEndpoint } from './endpoint-scope.js';

/** `GET /webhook-endpoints/{id}`; another tenant's or a deleted endpoint is a NotFoundError. */
export async function getWebhookEndpoint(deps: WebhookDeps, ctx: ServiceContext, id: string): Promise<WebhookEndpoint> {
  return toWebhookEndpoint(await findEndpoint(deps.db, ctx, id), ctx.clock.now());
}
