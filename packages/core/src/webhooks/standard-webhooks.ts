import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { UnauthorizedError } from '../shared/errors.js';

/**
 * Standard Webhooks (https://www.standardwebhooks.com), the one implementation core signs and
 * verifies with: HMAC-SHA256 with the key after `whsec_` over `${id}.${timestamp}.${body}`,
 * signatures as space-separated `v1,<base64>` (several during a key rotation). The body is bytes:
 * a receiver must verify exactly what was sent, whatever its encoding.
 */

/** Seconds a timestamp may be off either way before a delivery is refused (the spec's five minutes). */
export const WEBHOOK_TOLERANCE_SEC = 5 * 60;

/** The three Standard Webhooks headers, looked up case-insensitively by the caller. */
export interface WebhookHeaders {
  readonly 'webhook-id'?: string | undefined;
  readonly 'webhook-timestamp'?: string | undefined;
  readonly 'webhook-signature'?: string | undefined;
}

const PREFIX = 'whsec_';
const BASE64_RE = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The HMAC key bytes of a secret: base64 after `whsec_` (a secret without the prefix is taken as
 * base64 too, as providers print them either way). Null when it is not base64.
 */
export function webhookKeyBytes(secret: string): Buffer | null {
  const encoded = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret;
  if (encoded.length === 0 || !BASE64_RE.test(encoded)) return null;
  return Buffer.from(encoded, 'base64');
}

/** Keys decoded so far, one decode per secret (bounded by clearing). */
const keys = new Map<string, KeyObject | null>();
const MAX_CACHED_KEYS = 4_096;

function keyOf(secret: string): KeyObject | null {
  let key = keys.get(secret);
  if (key === undefined) {
    const bytes = webhookKeyBytes(secret);
    key = bytes === null ? null : createSecretKey(bytes);
    if (keys.size >= MAX_CACHED_KEYS) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

function mac(key: KeyObject, id: string, timestamp: string, body: string | Uint8Array): Buffer {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
}

/**
 * The `webhook-signature` value: one `v1,<base64>` per secret, in the order given (newest first
 * during a rotation). Secrets that are not base64 are skipped; with none left the value is empty.
 */
export function signStandardWebhook(id: string, timestampSec: number, body: string | Uint8Array, secrets: readonly string[]): string {
  const signatures: string[] = [];
  for (const secret of secrets) {
    const key = keyOf(secret);
    if (key) signatures.push(`v1,${mac(key, id, String(timestampSec), body).toString('base64')}`);
  }
  return signatures.join(' ');
}

/** Options of {@link verifyStandardWebhook}. */
export interface VerifyOptions {
  readonly nowMs?: number;
  readonly toleranceSec?: number;
}

/**
 * Checks a delivery: the three headers present, the timestamp within the tolerance either way, and
 * one `v1` signature matching one of the secrets over the exact body bytes (compared in constant
 * time). Throws UnauthorizedError naming only the category of the failure.
 */
export function verifyStandardWebhook(body: string | Uint8Array, headers: WebhookHeaders, secrets: readonly string[], options: VerifyOptions = {}): void {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (!id || !timestamp || !signatures) throw new UnauthorizedError('webhook signature headers are missing');
  if (!/^\d{1,12}$/.test(timestamp)) throw new UnauthorizedError('webhook timestamp is invalid');
  const tolerance = options.toleranceSec ?? WEBHOOK_TOLERANCE_SEC;
  const nowSec = Math.floor((options.nowMs ?? Date.now()) / 1000);
  const ts = Number(timestamp);
  if (ts < nowSec - tolerance) throw new UnauthorizedError('webhook timestamp is too old');
  if (ts > nowSec + tolerance) throw new UnauthorizedError('webhook timestamp is in the future');
  const candidates = signatures
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3), 'base64'));
  for (const secret of secrets) {
    const key = keyOf(secret);
    if (!key) continue;
    const expected = mac(key, id, timestamp, body);
    if (candidates.some((c) => c.length === expected.length && timingSafeEqual(c, expected))) return;
  }
  throw new UnauthorizedError('webhook signature does not match');
}

/** One or more secrets (several during a rotation) bound once; `verify` as {@link verifyStandardWebhook}. */
export class StandardWebhookVerifier {
  readonly #secrets: readonly string[];

  constructor(secrets: string | readonly string[]) {
    const list = typeof secrets === 'string' ? [secrets] : secrets;
    if (list.length === 0) throw new Error('a webhook secret is required');
    if (list.some((s) => webhookKeyBytes(s) === null)) throw new Error('a webhook secret is not whsec_ followed by base64');
    this.#secrets = list;
  }

  verify(body: string | Uint8Array, headers: WebhookHeaders, nowMs: number = Date.now()): void {
    verifyStandardWebhook(body, headers, this.#secrets, { nowMs });
  }
}
