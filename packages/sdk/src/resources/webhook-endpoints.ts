import { ApiResource, seg } from '../core/api-resource.js';
import type { ApiPromise } from '../core/api-promise.js';
import type { RequestOptions } from '../core/client-options.js';
import type { PagePromise } from '../core/pagination.js';
import type { ListParams } from '../core/operation-types.js';
import type { CreateWebhookEndpointRequest, RotateWebhookSecretRequest, UpdateWebhookEndpointRequest, WebhookEndpoint, WebhookEndpointWithSecret } from '../generated/schemas.js';

/** Webhook endpoints and their signing secrets. */
export class WebhookEndpoints extends ApiResource {
  /**
   * Registers an endpoint; its `whsec_` secret is in the answer only this once.
   * @example const { secret } = await ftm.webhookEndpoints.create({ url: 'https://example.com/ftm', event_types: ['model.promoted'] });
   */
  create(body: CreateWebhookEndpointRequest, options?: RequestOptions): ApiPromise<WebhookEndpointWithSecret> {
    return this.client.request({ method: 'POST', path: '/webhook-endpoints', body, options });
  }

  /**
   * Lists endpoints.
   * @example for await (const e of ftm.webhookEndpoints.list({ enabled: true })) console.log(e.url);
   */
  list(params?: ListParams<'listWebhookEndpoints'>, options?: RequestOptions): PagePromise<WebhookEndpoint> {
    return this.page('/webhook-endpoints', params, options);
  }

  /**
   * Fetches one endpoint.
   * @example const e = await ftm.webhookEndpoints.get(id);
   */
  get(id: string, options?: RequestOptions): ApiPromise<WebhookEndpoint> {
    return this.client.request({ method: 'GET', path: `/webhook-endpoints/${seg(id)}`, options });
  }

  /**
   * Changes an endpoint's URL, events or enabled flag.
   * @example await ftm.webhookEndpoints.update(id, { enabled: false });
   */
  update(id: string, body: UpdateWebhookEndpointRequest, options?: RequestOptions): ApiPromise<WebhookEndpoint> {
    return this.client.request({ method: 'PATCH', path: `/webhook-endpoints/${seg(id)}`, body, options });
  }

  /**
   * Deletes an endpoint; its deliveries stay listed.
   * @example await ftm.webhookEndpoints.delete(id);
   */
  delete(id: string, options?: RequestOptions): ApiPromise<void> {
    return this.client.request({ method: 'DELETE', path: `/webhook-endpoints/${seg(id)}`, options });
  }

  /**
   * Rotates the secret; the old one keeps signing during the overlap.
   * @example const { secret } = await ftm.webhookEndpoints.rotateSecret(id, { overlap_seconds: 86_400 });
   */
  rotateSecret(id: string, body: RotateWebhookSecretRequest, options?: RequestOptions): ApiPromise<WebhookEndpointWithSecret> {
    return this.client.request({ method: 'POST', path: `/webhook-endpoints/${seg(id)}/rotate-secret`, body, options });
  }
}
