import { hash, randomBytes } from 'node:crypto';

/** Every secret FTM issues starts with this, so leaked keys are easy to recognise and scan for. */
export const API_KEY_PREFIX = 'ftm_sk_';
const SECRET_RE = /^ftm_sk_[A-Za-z0-9_-]{43}$/;

/** A new secret: the prefix and 32 random bytes in base64url. */
export interface GeneratedApiKey {
  readonly secret: string;
  /** Shown in listings and logs to tell keys apart: the prefix and the first 4 random characters. */
  readonly displayPrefix: string;
  readonly hash: string;
}

/** SHA-256 hex of a secret: what is stored and what the auth cache is keyed by. */
export function hashApiKey(secret: string): string {
  return hash('sha256', secret, 'hex'); // one-shot: no Hash object per request
}

export function generateApiKey(): GeneratedApiKey {
  const secret = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  return { secret, displayPrefix: secret.slice(0, API_KEY_PREFIX.length + 4), hash: hashApiKey(secret) };
}

/** Cheap shape check so malformed bearer tokens never reach the database. */
export function looksLikeLocalApiKey(secret: string): boolean {
  return SECRET_RE.test(secret);
}
