import { ApiResource, seg } from '../core/api-resource.js';
import type { RequestOptions } from '../core/client-options.js';
import type { PagePromise } from '../core/pagination.js';
import type { JsonBody, JsonResponse, ListItem, ListParams } from '../core/operation-types.js';

/** Webhook deliveries: inspection, redelivery and replay. */
export class WebhookDeliveries extends ApiResource {
  /**
   * Lists deliveries.
   * @example for await (const d of ftm.webhookDeliveries.list({ status: 'dead_lettered' })) console.log(d.id);
   */
  list(params?: ListParams<'listWebhookDeliveries'>, options?: RequestOptions): PagePromise<ListItem<'listWebhookDeliveries'>> {
    return this.page('/webhooks/deliveries', params, options);
  }

  /**
   * Fetches one delivery with its attempts.
   * @example const d = await ftm.webhookDeliveries.get(id);
   */
  get(id: string, options?: RequestOptions): Promise<JsonResponse<'getWebhookDelivery'>> {
    return this.client.request({ method: 'GET', path: `/webhooks/deliveries/${seg(id)}`, options });
  }

  /**
   * Sends a delivery again.
   * @example await ftm.webhookDeliveries.redeliver(id);
   */
  redeliver(id: string, options?: RequestOptions): Promise<JsonResponse<'redeliverWebhookDelivery'>> {
    return this.client.request({ method: 'POST', path: `/webhooks/deliveries/${seg(id)}/redeliver`, options });
  }

  /**
   * Replays the deliveries that match a filter.
   * @example await ftm.webhookDeliveries.replay({ endpoint_id: id, since: '2026-01-01T00:00:00Z' });
   */
  replay(body: JsonBody<'replayWebhookDeliveries'>, options?: RequestOptions): Promise<JsonResponse<'replayWebhookDeliveries'>> {
    return this.client.request({ method: 'POST', path: '/webhooks/deliveries/replay', body, options });
  }
}
