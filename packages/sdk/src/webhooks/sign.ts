import { toBase64 } from './encoding.js';
import { hmacKey, signedContent } from './signing-key.js';

/** Options of `sign`. */
export interface SignOptions {
  /** Delivery id; default a random UUID. */
  readonly id?: string | undefined;
  /** Send time; default now. */
  readonly timestamp?: Date | number | undefined;
}

/** Headers of a signed delivery, under the Standard Webhooks names. */
// A type alias (not an interface) so it is assignable to plain header records.
export type SignedHeaders = {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
};

/**
 * Signs a body the way FTM signs deliveries; for tests and local tools.
 * @example
 * const body = JSON.stringify(event);
 * const headers = await sign(body, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
 * await fetch('http://localhost:3000/webhooks', { method: 'POST', headers, body });
 */
export async function sign(rawBody: string | Uint8Array, secret: string, options: SignOptions = {}): Promise<SignedHeaders> {
  const id = options.id ?? globalThis.crypto.randomUUID();
  const ms = options.timestamp === undefined ? Date.now() : typeof options.timestamp === 'number' ? options.timestamp : options.timestamp.getTime();
  const timestamp = String(Math.floor(ms / 1000));
  const mac = await globalThis.crypto.subtle.sign('HMAC', await hmacKey(secret), signedContent(id, timestamp, rawBody));
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${toBase64(new Uint8Array(mac))}` };
}
