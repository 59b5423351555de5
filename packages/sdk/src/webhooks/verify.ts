import { fromBase64 } from './encoding.js';
import { hmacKey, signedContent } from './signing-key.js';
import { WebhookVerificationError } from './webhook-error.js';
import { readSignatureHeaders, type WebhookHeaders } from './webhook-headers.js';
import type { WebhookEvent } from './webhook-event.js';

/** Options of `verify`. */
export interface VerifyOptions {
  /** Accepted clock skew both ways, in seconds; default 300. */
  readonly toleranceSec?: number;
  /** The current time (tests); default now. */
  readonly now?: Date | number;
}

const TIMESTAMP = /^\d{1,15}$/;
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Verifies a webhook delivery (Standard Webhooks: HMAC-SHA256 over `id.timestamp.body`, header
 * `v1,<base64>`) and returns the parsed event. Pass the raw body exactly as received. Several
 * secrets (rotation) and several space-separated signatures are accepted; timestamps outside the
 * tolerance are rejected whether stale or in the future.
 * @example
 * import { verify } from '@ftm/sdk/webhooks';
 * const event = await verify(rawBody, request.headers, process.env.FTM_WEBHOOK_SECRET!);
 * if (event.type === 'model.promoted') console.log(event.data);
 */
export async function verify<T = WebhookEvent>(
  rawBody: string | Uint8Array | ArrayBuffer,
  headers: WebhookHeaders,
  secret: string | readonly string[],
  options: VerifyOptions = {},
): Promise<T> {
  const { id, timestamp, signature } = readSignatureHeaders(headers);
  if (!id || !timestamp || !signature) {
    throw new WebhookVerificationError('Missing webhook-id, webhook-timestamp or webhook-signature header.');
  }
  checkTimestamp(timestamp, options);
  const body = typeof rawBody === 'string' ? rawBody : rawBody instanceof Uint8Array ? rawBody : new Uint8Array(rawBody);
  const content = signedContent(id, timestamp, body);
  const candidates = signature
    .split(' ')
    .filter((part) => part.startsWith('v1,'))
    .map((part) => fromBase64(part.slice(3)))
    .filter((bytes): bytes is Uint8Array<ArrayBuffer> => bytes !== undefined && bytes.length === 32);
  const secrets = typeof secret === 'string' ? [secret] : secret;
  if (secrets.length === 0) throw new WebhookVerificationError('No webhook secret given.');

  for (const s of secrets) {
    const key = await hmacKey(s);
    for (const candidate of candidates) {
      // subtle.verify compares in constant time.
      if (await globalThis.crypto.subtle.verify('HMAC', key, candidate, content)) return parse<T>(body);
    }
  }
  throw new WebhookVerificationError('No matching signature found.');
}

/**
 * Alias of `verify`, named like openai-node's `webhooks.unwrap()`.
 * @example
 * const event = await unwrap(rawBody, req.headers, [currentSecret, previousSecret]);
 */
export const unwrap = verify;

function checkTimestamp(timestamp: string, options: VerifyOptions): void {
  if (!TIMESTAMP.test(timestamp)) throw new WebhookVerificationError('Invalid webhook-timestamp header.');
  const tolerance = options.toleranceSec ?? 300;
  const nowMs = options.now === undefined ? Date.now() : typeof options.now === 'number' ? options.now : options.now.getTime();
  const now = Math.floor(nowMs / 1000);
  const sent = Number(timestamp);
  if (now - sent > tolerance) throw new WebhookVerificationError('Webhook timestamp is too old.');
  if (sent - now > tolerance) throw new WebhookVerificationError('Webhook timestamp is in the future.');
}

function parse<T>(body: string | Uint8Array): T {
  try {
    return JSON.parse(typeof body === 'string' ? body : decoder.decode(body)) as T;
  } catch {
    throw new WebhookVerificationError('The webhook body is not valid JSON.');
  }
}
