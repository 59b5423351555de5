import { FtmError } from '../core/errors.js';

/** Why a delivery failed verification. */
export type WebhookVerificationErrorCode =
  'missing_headers' | 'invalid_timestamp' | 'timestamp_too_old' | 'timestamp_in_future' | 'invalid_secret' | 'no_matching_signature' | 'invalid_json' | 'invalid_event' | 'unknown_event_type';

/**
 * A delivery failed verification: missing headers, bad or stale timestamp, no matching signature,
 * or a body that is not an FTM event. `code` says which; `unknown_event_type` is an authentic
 * delivery of a type this SDK version does not know (answer 2xx and ignore it, or upgrade).
 * @example
 * try {
 *   await verify(rawBody, request.headers, currentSecret);
 * } catch (e) {
 *   if (e instanceof WebhookVerificationError) res.writeHead(e.code === 'unknown_event_type' ? 204 : 400).end();
 * }
 */
export class WebhookVerificationError extends FtmError {
  override readonly name = 'WebhookVerificationError';
  readonly code: WebhookVerificationErrorCode;

  constructor(message: string, code: WebhookVerificationErrorCode = 'invalid_event') {
    super(message);
    this.code = code;
  }
}
