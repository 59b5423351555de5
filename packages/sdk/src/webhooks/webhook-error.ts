import { FtmError } from '../core/errors.js';

/**
 * A delivery failed verification: missing headers, bad or stale timestamp, or no matching signature.
 * @example
 * catch (e) { if (e instanceof WebhookVerificationError) res.writeHead(400).end(); }
 */
export class WebhookVerificationError extends FtmError {
  override readonly name = 'WebhookVerificationError';
}
