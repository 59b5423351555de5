import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { webhookSecretKey } from './webhook-secret.js';

/** Secrets decoded so far: one decode per endpoint secret, not per attempt. Bounded by clearing. */
const keys = new Map<string, KeyObject | null>();
const MAX_CACHED_KEYS = 4_096;

function signingKey(secret: string): KeyObject | null {
  let key = keys.get(secret);
  if (key === undefined) {
    const bytes = webhookSecretKey(secret);
    key = bytes === null ? null : createSecretKey(bytes);
    if (keys.size >= MAX_CACHED_KEYS) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

/**
 * The `webhook-signature` value for a delivery: one `v1,<base64 HMAC-SHA256>` per secret over
 * `${id}.${timestamp}.${body}`, space-separated (Standard Webhooks), newest secret first. Secrets
 * that are not valid `whsec_` values are skipped; with none left the result is empty.
 */
export function signWebhook(id: string, timestampSec: number, body: string, secrets: readonly string[]): string {
  const content = `${id}.${timestampSec}.${body}`;
  const signatures: string[] = [];
  for (const secret of secrets) {
    const key = signingKey(secret);
    if (key) signatures.push(`v1,${createHmac('sha256', key).update(content).digest('base64')}`);
  }
  return signatures.join(' ');
}
