import { FtmError } from '../shared/errors.js';

/**
 * The provider understood the request and refused it (bad file, unknown model, quota, retired
 * endpoint). Not retryable; the job fails with this message. Never carries the API key.
 */
export class ProviderRequestError extends FtmError {
  override readonly name = 'ProviderRequestError';
  constructor(
    readonly provider: string,
    readonly status: number,
    message: string,
    readonly providerCode: string | null = null,
    readonly param: string | null = null,
  ) {
    super(`${provider} refused the request (HTTP ${status}): ${message}`);
  }
}
