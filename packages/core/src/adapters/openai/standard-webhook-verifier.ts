import { createHmac, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '../../shared/errors.js';

const TOLERANCE_SEC = 5 * 60;

/** The three Standard Webhooks headers, looked up case-insensitively by the caller. */
export interface WebhookHeaders {
  readonly 'webhook-id'?: string | undefined;
  readonly 'webhook-timestamp'?: string | undefined;
  readonly 'webhook-signature'?: string | undefined;
}

/**
 * Verifies a Standard Webhooks signature (what OpenAI uses for its webhooks): HMAC-SHA256 with the
 * base64 key after `whsec_` over `${id}.${timestamp}.${body}`, any of the space-separated `v1,`
 * signatures matching (key rotation), timestamp within 5 minutes either way. Throws
 * UnauthorizedError otherwise; the error never says which part was wrong beyond the category.
 */
export class StandardWebhookVerifier {
  readonly #keys: readonly Buffer[];

  /** One or more `whsec_…` secrets (several during a rotation). */
  constructor(secrets: string | readonly string[]) {
    const list = typeof secrets === 'string' ? [secrets] : secrets;
    if (list.length === 0) throw new Error('a webhook secret is required');
    this.#keys = list.map((s) => Buffer.from(s.startsWith('whsec_') ? s.slice('whsec_'.length) : s, 'base64'));
  }

  verify(rawBody: string | Uint8Array, headers: WebhookHeaders, nowMs: number = Date.now()): void {
    const id = headers['webhook-id'];
    const timestamp = headers['webhook-timestamp'];
    const signatures = headers['webhook-signature'];
    if (!id || !timestamp || !signatures) throw new UnauthorizedError('webhook signature headers are missing');
    const ts = Number(timestamp);
    if (!Number.isInteger(ts)) throw new UnauthorizedError('webhook timestamp is invalid');
    const nowSec = Math.floor(nowMs / 1000);
    if (ts < nowSec - TOLERANCE_SEC) throw new UnauthorizedError('webhook timestamp is too old');
    if (ts > nowSec + TOLERANCE_SEC) throw new UnauthorizedError('webhook timestamp is in the future');
    const body = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8');
    const content = `${id}.${timestamp}.${body}`;
    const candidates = signatures
      .split(' ')
      .filter((s) => s.startsWith('v1,'))
      .map((s) => Buffer.from(s.slice(3), 'base64'));
    for (const key of this.#keys) {
      const expected = createHmac('sha256', key).update(content).digest();
      if (candidates.some((c) => c.length === expected.length && timingSafeEqual(c, expected))) return;
    }
    throw new UnauthorizedError('webhook signature does not match');
  }
}
