import { webhookSecretKey } from './webhook-secret.js';
import { signStandardWebhook } from './standard-webhooks.js';

/** Whether each endpoint secret seen is a valid `whsec_` secret (bounded by clearing). */
const valid = new Map<string, boolean>();
const MAX_CACHED = 4_096;

function isSigningSecret(secret: string): boolean {
  let ok = valid.get(secret);
  if (ok === undefined) {
    ok = webhookSecretKey(secret) !== null;
    if (valid.size >= MAX_CACHED) valid.clear();
    valid.set(secret, ok);
  }
  return ok;
}

/**
 * The `webhook-signature` value of an outbound delivery (Standard Webhooks, `standard-webhooks.ts`),
 * newest secret first. Secrets that are not valid FTM `whsec_` values (24 to 64 bytes) are skipped;
 * with none left the result is empty.
 */
export function signWebhook(id: string, timestampSec: number, body: string, secrets: readonly string[]): string {
  return signStandardWebhook(id, timestampSec, body, secrets.filter(isSigningSecret));
}
