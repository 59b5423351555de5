import type { ServiceContext } from '../shared/context.js';
import type { Page } from '../db/pagination.js';
import type { OutboxDispatchPayload } from '../outbox/outbox-jobs.js';
import type { WebhookDeps } from './webhook-deps.js';
import type { WebhookEndpoint, WebhookEndpointWithSecret } from './webhook-endpoint.js';
import type { ReplayWebhookDeliveriesResult, WebhookDelivery } from './webhook-delivery.js';
import { createWebhookEndpoint } from './create-webhook-endpoint.js';
import { listWebhookEndpoints } from './list-webhook-endpoints.js';
import { getWebhookEndpoint } from './get-webhook-endpoint.js';
import { updateWebhookEndpoint } from './update-webhook-endpoint.js';
import { deleteWebhookEndpoint } from './delete-webhook-endpoint.js';
import { rotateWebhookEndpointSecret } from './rotate-webhook-endpoint-secret.js';
import { listWebhookDeliveries } from './list-webhook-deliveries.js';
import { getWebhookDelivery } from './get-webhook-delivery.js';
import { redeliverWebhookDelivery } from './redeliver-webhook-delivery.js';
import { replayWebhookDeliveries } from './replay-webhook-deliveries.js';
import { fanOutEvent, fanOutEvents, type FanOutResult } from './fan-out-events.js';
import { deliverWebhook, type DeliverResult } from './deliver-webhook.js';
import { sweepWebhookDeliveries, type SweepResult } from './sweep-webhook-deliveries.js';

/** The webhook use cases bound to their dependencies: what routes and job handlers call. */
export interface WebhooksService {
  readonly deps: WebhookDeps;
  createEndpoint(ctx: ServiceContext, input: unknown): Promise<WebhookEndpointWithSecret>;
  listEndpoints(ctx: ServiceContext, query: unknown): Promise<Page<WebhookEndpoint>>;
  getEndpoint(ctx: ServiceContext, id: string): Promise<WebhookEndpoint>;
  updateEndpoint(ctx: ServiceContext, id: string, input: unknown): Promise<WebhookEndpoint>;
  deleteEndpoint(ctx: ServiceContext, id: string): Promise<void>;
  rotateEndpointSecret(ctx: ServiceContext, id: string, input: unknown): Promise<WebhookEndpointWithSecret>;
  listDeliveries(ctx: ServiceContext, query: unknown): Promise<Page<WebhookDelivery>>;
  getDelivery(ctx: ServiceContext, id: string): Promise<WebhookDelivery>;
  redeliver(ctx: ServiceContext, id: string): Promise<WebhookDelivery>;
  replayDeadLetters(ctx: ServiceContext, input: unknown): Promise<ReplayWebhookDeliveriesResult>;
  /** Worker: the webhook part of an `outbox.dispatch` job. */
  fanOut(event: OutboxDispatchPayload): Promise<FanOutResult>;
  /** Worker: the webhook part of an `outbox.dispatch` job carrying a batch of events. */
  fanOutMany(events: readonly OutboxDispatchPayload[]): Promise<FanOutResult>;
  /** Worker: a `webhook.deliver` job. */
  deliver(deliveryId: string): Promise<DeliverResult>;
  /** Worker: one pass of the safety-net sweep. */
  sweep(): Promise<SweepResult>;
}

/** Binds every webhook use case to `deps`. */
export function createWebhooksService(deps: WebhookDeps): WebhooksService {
  return {
    deps,
    createEndpoint: (ctx, input) => createWebhookEndpoint(deps, ctx, input),
    listEndpoints: (ctx, query) => listWebhookEndpoints(deps, ctx, query),
    getEndpoint: (ctx, id) => getWebhookEndpoint(deps, ctx, id),
    updateEndpoint: (ctx, id, input) => updateWebhookEndpoint(deps, ctx, id, input),
    deleteEndpoint: (ctx, id) => deleteWebhookEndpoint(deps, ctx, id),
    rotateEndpointSecret: (ctx, id, input) => rotateWebhookEndpointSecret(deps, ctx, id, input),
    listDeliveries: (ctx, query) => listWebhookDeliveries(deps, ctx, query),
    getDelivery: (ctx, id) => getWebhookDelivery(deps, ctx, id),
    redeliver: (ctx, id) => redeliverWebhookDelivery(deps, ctx, id),
    replayDeadLetters: (ctx, input) => replayWebhookDeliveries(deps, ctx, input),
    fanOut: (event) => fanOutEvent(deps, event),
    fanOutMany: (events) => fanOutEvents(deps, events),
    deliver: (deliveryId) => deliverWebhook(deps, deliveryId),
    sweep: () => sweepWebhookDeliveries(deps),
  };
}
