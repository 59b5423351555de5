import { ApiResource, seg } from '../core/api-resource.js';
import type { RequestOptions } from '../core/client-options.js';
import type { JsonBody, JsonResponse } from '../core/operation-types.js';

/** Relays a fine-tuning provider's webhook to FTM (normally the provider calls this itself). */
export class ProviderWebhooks extends ApiResource {
  /**
   * Forwards one provider event with its signature headers, e.g. from a relay you run.
   * @example
   * await ftm.providerWebhooks.receive('openai', JSON.parse(raw), {
   *   'webhook-id': h['webhook-id'], 'webhook-timestamp': h['webhook-timestamp'], 'webhook-signature': h['webhook-signature'] });
   */
  receive(
    provider: string,
    body: JsonBody<'receiveProviderWebhook'>,
    signatureHeaders: Readonly<Record<string, string>>,
    options?: RequestOptions,
  ): Promise<JsonResponse<'receiveProviderWebhook'>> {
    return this.client.request({ method: 'POST', path: `/provider-webhooks/${seg(provider)}`, body, headers: signatureHeaders, options });
  }
}
