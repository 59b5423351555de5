import { ApiResource, seg } from '../core/api-resource.js';
import type { RequestOptions } from '../core/client-options.js';
import type { PagePromise } from '../core/pagination.js';
import type { JsonBody, JsonResponse, ListItem, ListParams } from '../core/operation-types.js';

/** Webhook endpoints and their signing secrets. */
export class WebhookEndpoints extends ApiResource {
  /**
   * Registers an endpoint; its `whsec_` secret is in the answer only this once.
   * @example const { secret } = await ftm.webhookEndpoints.create({ url: 'https://example.com/ftm', events: ['model.promoted'] });
   */
  create(body: JsonBody<'createWebhookEndpoint'>, options?: RequestOptions): Promise<JsonResponse<'createWebhookEndpoint'>> {
    return this.client.request({ method: 'POST', path: '/webhook-endpoints', body, options });
  }

  /**
   * Lists endpoints.
   * @example for await (const e of ftm.webhookEndpoints.list({ enabled: true })) console.log(e.url);
   */
  list(params?: ListParams<'listWebhookEndpoints'>, options?: RequestOptions): PagePromise<ListItem<'listWebhookEndpoints'>> {
    return this.page('/webhook-endpoints', params, options);
  }

  /**
   * Fetches one endpoint.
   * @example const e = await ftm.webhookEndpoints.get(id);
   */
  get(id: string, options?: RequestOptions): Promise<JsonResponse<'getWebhookEndpoint'>> {
    return this.client.request({ method: 'GET', path: `/webhook-endpoints/${seg(id)}`, options });
  }

  /**
   * Changes an endpoint's URL, events or enabled flag.
   * @example await ftm.webhookEndpoints.update(id, { enabled: false });
   */
  update(id: string, body: JsonBody<'updateWebhookEndpoint'>, options?: RequestOptions): Promise<JsonResponse<'updateWebhookEndpoint'>> {
    return this.client.request({ method: 'PATCH', path: `/webhook-endpoints/${seg(id)}`, body, options });
  }

  /**
   * Deletes an endpoint; its deliveries stay listed.
   * @example await ftm.webhookEndpoints.delete(id);
   */
  delete(id: string, options?: RequestOptions): Promise<void> {
    return this.client.request({ method: 'DELETE', path: `/webhook-endpoints/${seg(id)}`, options });
  }

  /**
   * Rotates the secret; the old one keeps signing during the overlap.
   * @example const { secret } = await ftm.webhookEndpoints.rotateSecret(id, { overlap_seconds: 86_400 });
   */
  rotateSecret(id: string, body: JsonBody<'rotateWebhookEndpointSecret'>, options?: RequestOptions): Promise<JsonResponse<'rotateWebhookEndpointSecret'>> {
    return this.client.request({ method: 'POST', path: `/webhook-endpoints/${seg(id)}/rotate-secret`, body, options });
  }
}
