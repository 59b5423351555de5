/**
 * `@ftm/sdk/webhooks`: verify FTM webhook deliveries anywhere WebCrypto exists (Node 20,
 * browsers, edge runtimes), without the API client.
 */
export { verify, unwrap, type VerifyOptions } from './verify.js';
export { sign, type SignOptions, type SignedHeaders } from './sign.js';
export { WebhookVerificationError, type WebhookVerificationErrorCode } from './webhook-error.js';
export type { WebhookHeaders } from './webhook-headers.js';
export type { WebhookEvent } from './webhook-event.js';
