import { randomBytes } from 'node:crypto';
import { ValidationError } from '../shared/errors.js';

const PREFIX = 'whsec_';
/** Standard Webhooks asks for 24 to 64 bytes; 32 matches an HMAC-SHA256 block of entropy. */
const SECRET_BYTES = 32;
export const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;
const BASE64_RE = /^[A-Za-z0-9+/]+={0,2}$/;

/** A fresh endpoint secret: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

/** The HMAC key bytes of a `whsec_` secret, or null when it is not one (wrong prefix, bad base64, too short). */
export function webhookSecretKey(secret: string): Buffer | null {
  if (!secret.startsWith(PREFIX)) return null;
  const encoded = secret.slice(PREFIX.length);
  if (!BASE64_RE.test(encoded)) return null;
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length < MIN_SECRET_BYTES || bytes.length > MAX_SECRET_BYTES) return null;
  return bytes;
}

/**
 * Checks a configured signing key (FTM_WEBHOOK_SIGNING_KEY and its previous values) once at start;
 * the error names the variable, never the value.
 */
export function assertSigningKey(value: string, variable: string): string {
  if (webhookSecretKey(value) === null) {
    throw new ValidationError(`${variable} must be whsec_ followed by the base64 of ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes`, [{ path: variable, message: 'not a whsec_ secret' }]);
  }
  return value;
}
