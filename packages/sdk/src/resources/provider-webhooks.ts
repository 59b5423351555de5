import { ApiResource, seg } from '../core/api-resource.js';
import type { ApiPromise } from '../core/api-promise.js';
import type { RequestOptions } from '../core/client-options.js';
import type { JsonBody } from '../core/operation-types.js';
import type { ProviderWebhookAck } from '../generated/schemas.js';

/** Relays a fine-tuning provider's webhook to FTM (normally the provider calls this itself). */
export class ProviderWebhooks extends ApiResource {
  /**
   * Forwards one provider event with its signature headers, e.g. from a relay you run.
   * @example
   * await ftm.providerWebhooks.receive('openai', JSON.parse(raw), {
   *   'webhook-id': h['webhook-id'], 'webhook-timestamp': h['webhook-timestamp'], 'webhook-signature': h['webhook-signature'],
   * });
   */
  receive(provider: string, body: JsonBody<'receiveProviderWebhook'>, signatureHeaders: Readonly<Record<string, string | undefined>>, options?: RequestOptions): ApiPromise<ProviderWebhookAck> {
    return this.client.request({ method: 'POST', path: `/provider-webhooks/${seg(provider)}`, body, headers: definedHeaders(signatureHeaders), options });
  }
}

/** The headers that have a value (a missing one is simply not forwarded). */
function definedHeaders(headers: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = value;
  return out;
}
