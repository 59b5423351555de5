import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { generateSecretsKey, SecretKeyring } from '@ftm/core';
import type { FtmConfig } from '../config.js';
import { ConfigError } from '../config.js';

/** Where dev keeps its generated secrets key when FTM_SECRETS_KEY is not set. */
export const devSecretsKeyPath = (dataDir: string): string => join(dataDir, 'secrets.key');

/**
 * The keyring that seals stored credentials: FTM_SECRETS_KEY (+ previous keys) when set. Without
 * it, dev generates a key once and keeps it at FTM_DATA_DIR/secrets.key (mode 0600), so the
 * embedded default can store credentials with no setup; stage and prod get no keyring (nothing can
 * be stored) and prod refuses to start while credentials are stored (see {@link assertSecretsReadable}).
 */
export async function openSecretKeyring(config: Pick<FtmConfig, 'env' | 'dataDir' | 'secrets'>, logger: Logger): Promise<SecretKeyring | null> {
  if (config.secrets.key) return SecretKeyring.fromKeys(config.secrets.key, config.secrets.previousKeys);
  if (config.env !== 'dev') return null;
  const path = devSecretsKeyPath(config.dataDir);
  let key: string;
  try {
    key = (await readFile(path, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(dirname(path), { recursive: true });
    key = generateSecretsKey();
    // `wx`: two processes starting at once cannot both write a key; the loser reads the winner's.
    try {
      await writeFile(path, `${key}\n`, { mode: 0o600, flag: 'wx' });
      logger.warn({ path }, 'FTM_SECRETS_KEY is not set: generated a dev key for stored credentials; set FTM_SECRETS_KEY outside dev');
    } catch (raced) {
      if ((raced as NodeJS.ErrnoException).code !== 'EEXIST') throw raced;
      key = (await readFile(path, 'utf8')).trim();
    }
  }
  try {
    return SecretKeyring.fromKeys(key);
  } catch {
    throw new ConfigError([`FTM_SECRETS_KEY: not set, and the dev key file ${path} does not hold 32 bytes of base64 or hex`]);
  }
}

/** In prod, stored credentials without FTM_SECRETS_KEY would fail every provider call: refuse to start. */
export function assertSecretsReadable(env: FtmConfig['env'], keyring: SecretKeyring | null, storedCount: number): void {
  if (env === 'prod' && keyring === null && storedCount > 0) {
    throw new ConfigError([`FTM_SECRETS_KEY: required when FTM_ENV=prod and credentials are stored (${storedCount} stored)`]);
  }
}
