import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { ConflictError, FtmError } from '../shared/errors.js';

const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** A value sealed with AES-256-GCM: the key it was sealed under, its nonce, ciphertext + tag. */
export interface SealedSecret {
  readonly keyId: string;
  readonly nonce: Uint8Array;
  readonly ciphertext: Uint8Array;
}

/** Key material that is not 32 bytes of base64, base64url or hex. */
export class InvalidSecretsKeyError extends FtmError {
  override readonly name = 'InvalidSecretsKeyError';
}

/**
 * Decodes a 256-bit key written as hex (64 characters) or base64/base64url (43-44 characters),
 * e.g. the output of `openssl rand -base64 32`.
 */
export function parseSecretsKey(text: string): Buffer {
  const trimmed = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : /^[A-Za-z0-9+/_-]{43}={0,1}$/.test(trimmed)
      ? Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
      : null;
  if (!bytes || bytes.length !== KEY_BYTES) throw new InvalidSecretsKeyError('must be 32 random bytes written as base64 or hex (openssl rand -base64 32)');
  return bytes;
}

/** A fresh random key, base64 (what `openssl rand -base64 32` prints). */
export function generateSecretsKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/** A short public name of a key: it tells rows apart by key without revealing anything of it. */
function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('ftm-secrets-key-id\u0000').update(key).digest('hex').slice(0, 16);
}

/**
 * The keys secrets are sealed with: the primary key seals every new value; earlier keys (during a
 * rotation) still open the values they sealed. AES-256-GCM with a random 96-bit nonce per value
 * and additional authenticated data naming what the value belongs to.
 */
export class SecretKeyring {
  readonly primaryKeyId: string;
  readonly #keys: ReadonlyMap<string, Buffer>;

  private constructor(primary: Buffer, previous: readonly Buffer[]) {
    this.primaryKeyId = keyIdOf(primary);
    this.#keys = new Map([primary, ...previous].map((k) => [keyIdOf(k), k] as const));
  }

  /** A keyring from key texts (see {@link parseSecretsKey}); throws InvalidSecretsKeyError. */
  static fromKeys(primary: string, previous: readonly string[] = []): SecretKeyring {
    return new SecretKeyring(parseSecretsKey(primary), previous.map(parseSecretsKey));
  }

  /** Whether this keyring can open values sealed under `keyId`. */
  has(keyId: string): boolean {
    return this.#keys.has(keyId);
  }

  /** Seals `plaintext` under the primary key, bound to `aad`. */
  seal(plaintext: string, aad: string): SealedSecret {
    const key = this.#keys.get(this.primaryKeyId)!;
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return { keyId: this.primaryKeyId, nonce, ciphertext };
  }

  /**
   * Opens a sealed value. ConflictError `secret_key_unknown` when its key is not in the keyring,
   * `secret_undecryptable` when the ciphertext, nonce or `aad` were altered (or the key is wrong).
   */
  open(sealed: SealedSecret, aad: string): string {
    const key = this.#keys.get(sealed.keyId);
    if (!key) {
      throw new ConflictError(`a stored secret was sealed with key ${sealed.keyId}, which is neither FTM_SECRETS_KEY nor in FTM_SECRETS_PREVIOUS_KEYS`, 'secret_key_unknown');
    }
    const data = Buffer.from(sealed.ciphertext);
    if (data.length < TAG_BYTES) throw new ConflictError('a stored secret is truncated and cannot be opened', 'secret_undecryptable');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.nonce), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      return Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new ConflictError('a stored secret does not authenticate (altered, moved to another row, or sealed with another key)', 'secret_undecryptable');
    }
  }
}
