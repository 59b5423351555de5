import { ApiResource, seg } from '../core/api-resource.js';
import type { ApiPromise } from '../core/api-promise.js';
import type { RequestOptions } from '../core/client-options.js';
import type { PagePromise } from '../core/pagination.js';
import type { ListParams } from '../core/operation-types.js';
import type { ReplayWebhookDeliveriesRequest, ReplayWebhookDeliveriesResult, WebhookDelivery } from '../generated/schemas.js';

/** Webhook deliveries: inspection, redelivery and replay. */
export class WebhookDeliveries extends ApiResource {
  /**
   * Lists deliveries.
   * @example for await (const d of ftm.webhookDeliveries.list({ status: 'dead_letter' })) console.log(d.id);
   */
  list(params?: ListParams<'listWebhookDeliveries'>, options?: RequestOptions): PagePromise<WebhookDelivery> {
    return this.page('/webhooks/deliveries', params, options);
  }

  /**
   * Fetches one delivery with its attempts.
   * @example const d = await ftm.webhookDeliveries.get(id);
   */
  get(id: string, options?: RequestOptions): ApiPromise<WebhookDelivery> {
    return this.client.request({ method: 'GET', path: `/webhooks/deliveries/${seg(id)}`, options });
  }

  /**
   * Sends a delivery again.
   * @example await ftm.webhookDeliveries.redeliver(id);
   */
  redeliver(id: string, options?: RequestOptions): ApiPromise<WebhookDelivery> {
    return this.client.request({ method: 'POST', path: `/webhooks/deliveries/${seg(id)}/redeliver`, options });
  }

  /**
   * Replays the deliveries that match a filter.
   * @example await ftm.webhookDeliveries.replay({ endpoint_id: id, since: '2026-01-01T00:00:00Z' });
   */
  replay(body: ReplayWebhookDeliveriesRequest, options?: RequestOptions): ApiPromise<ReplayWebhookDeliveriesResult> {
    return this.client.request({ method: 'POST', path: '/webhooks/deliveries/replay', body, options });
  }
}
