import { fromBase64, utf8 } from './encoding.js';
import { WebhookVerificationError } from './webhook-error.js';

const PREFIX = 'whsec_';
const cache = new Map<string, Promise<CryptoKey>>();
const CACHE_LIMIT = 64;

/**
 * Bytes of a signing secret as Standard Webhooks reads it: `whsec_` followed by base64. A secret
 * without the prefix is taken as base64 too, as the standardwebhooks libraries do.
 */
export function secretBytes(secret: string): Uint8Array<ArrayBuffer> {
  if (typeof secret !== 'string' || secret === '') throw new WebhookVerificationError('The webhook secret is empty.', 'invalid_secret');
  const encoded = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret;
  const bytes = fromBase64(encoded);
  if (!bytes || bytes.length === 0) throw new WebhookVerificationError('The webhook secret is not valid base64 (expected whsec_<base64>).', 'invalid_secret');
  return bytes;
}

/** An HMAC-SHA256 CryptoKey for a secret; imported once per secret. */
export function hmacKey(secret: string): Promise<CryptoKey> {
  let key = cache.get(secret);
  if (!key) {
    key = globalThis.crypto.subtle.importKey('raw', secretBytes(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(secret, key);
  }
  return key;
}

/** The exact bytes that are signed: `${id}.${timestamp}.${body}`. */
export function signedContent(id: string, timestamp: string, body: Uint8Array | string): Uint8Array<ArrayBuffer> {
  const prefix = utf8(`${id}.${timestamp}.`);
  const payload = typeof body === 'string' ? utf8(body) : body;
  const out = new Uint8Array(prefix.length + payload.length);
  out.set(prefix, 0);
  out.set(payload, prefix.length);
  return out;
}
