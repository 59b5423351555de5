import { createHmac } from 'node:crypto';
import { webhookSecretKey } from './webhook-secret.js';

/**
 * The `webhook-signature` value for a delivery: one `v1,<base64 HMAC-SHA256>` per secret over
 * `${id}.${timestamp}.${body}`, space-separated (Standard Webhooks), newest secret first. Secrets
 * that are not valid `whsec_` values are skipped; with none left the result is empty.
 */
export function signWebhook(id: string, timestampSec: number, body: string, secrets: readonly string[]): string {
  const content = `${id}.${timestampSec}.${body}`;
  const signatures: string[] = [];
  for (const secret of secrets) {
    const key = webhookSecretKey(secret);
    if (key) signatures.push(`v1,${createHmac('sha256', key).update(content).digest('base64')}`);
  }
  return signatures.join(' ');
}
