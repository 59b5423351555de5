import { fromBase64 } from './encoding.js';
import { hmacKey, signedContent } from './signing-key.js';
import { WebhookVerificationError } from './webhook-error.js';
import { toWebhookEvent } from './event-shape.js';
import { readSignatureHeaders, type WebhookHeaders } from './webhook-headers.js';
import type { WebhookEvent } from './webhook-event.js';

/** Options of `verify`. */
export interface VerifyOptions {
  /** Accepted clock skew both ways, in seconds; default 300. */
  readonly toleranceSec?: number | undefined;
  /** The current time (tests); default now. */
  readonly now?: Date | number | undefined;
}

const TIMESTAMP = /^\d{1,15}$/;
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Verifies a webhook delivery (Standard Webhooks: HMAC-SHA256 over `id.timestamp.body`, header
 * `v1,<base64>`) and returns the parsed event, checked against the contract's catalogue (known
 * `type`, required keys of the body and its `data`). Pass the raw body exactly as received.
 * Several secrets (rotation) and several space-separated signatures are accepted; timestamps
 * outside the tolerance are rejected whether stale or in the future.
 * @example
 * import { verify } from '@ftm/sdk/webhooks';
 * const event = await verify(rawBody, request.headers, process.env.FTM_WEBHOOK_SECRET!);
 * if (event.type === 'model.promoted') console.log(event.data);
 */
export async function verify(rawBody: string | Uint8Array | ArrayBuffer, headers: WebhookHeaders, secret: string | readonly string[], options: VerifyOptions = {}): Promise<WebhookEvent> {
  const { id, timestamp, signature } = readSignatureHeaders(headers);
  if (!id || !timestamp || !signature) {
    throw new WebhookVerificationError('Missing webhook-id, webhook-timestamp or webhook-signature header.', 'missing_headers');
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
  if (secrets.length === 0) throw new WebhookVerificationError('No webhook secret given.', 'invalid_secret');

  for (const s of secrets) {
    const key = await hmacKey(s);
    for (const candidate of candidates) {
      // subtle.verify compares in constant time.
      if (await globalThis.crypto.subtle.verify('HMAC', key, candidate, content)) return toWebhookEvent(parse(body));
    }
  }
  throw new WebhookVerificationError('No matching signature found.', 'no_matching_signature');
}

/**
 * Alias of `verify`, named like openai-node's `webhooks.unwrap()`.
 * @example
 * const event = await unwrap(rawBody, request.headers, [currentSecret, previousSecret]);
 */
export const unwrap = verify;

function checkTimestamp(timestamp: string, options: VerifyOptions): void {
  if (!TIMESTAMP.test(timestamp)) throw new WebhookVerificationError('Invalid webhook-timestamp header.', 'invalid_timestamp');
  const tolerance = options.toleranceSec ?? 300;
  const nowMs = options.now === undefined ? Date.now() : typeof options.now === 'number' ? options.now : options.now.getTime();
  const now = Math.floor(nowMs / 1000);
  const sent = Number(timestamp);
  if (now - sent > tolerance) throw new WebhookVerificationError('Webhook timestamp is too old.', 'timestamp_too_old');
  if (sent - now > tolerance) throw new WebhookVerificationError('Webhook timestamp is in the future.', 'timestamp_in_future');
}

function parse(body: string | Uint8Array): unknown {
  try {
    return JSON.parse(typeof body === 'string' ? body : decoder.decode(body));
  } catch {
    throw new WebhookVerificationError('The webhook body is not valid JSON.', 'invalid_json');
  }
}
