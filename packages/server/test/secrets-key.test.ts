import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSecretsKey, SecretKeyring } from '@ftm/core';
import { ConfigError } from '../src/config.js';
import { createLogger } from '../src/http/logger.js';
import { assertSecretsReadable, devSecretsKeyPath, openSecretKeyring } from '../src/runtime/open-secret-keyring.js';
import { loadConfig } from '../src/config.js';
import { secretsCommand } from '../src/commands/admin.js';
import { EncryptedSecretStore } from '@ftm/core';
import { createPostgresTestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext } from '@ftm/test-support/fixtures';

const logger = createLogger({ level: 'silent' });

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'ftm-secrets-key-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('the secrets key of a process', () => {
  it('uses FTM_SECRETS_KEY, opening what earlier keys sealed', async () => {
    const [key, old] = [generateSecretsKey(), generateSecretsKey()];
    const sealed = SecretKeyring.fromKeys(old).seal('v', 'aad');
    const keyring = await openSecretKeyring({ env: 'prod', dataDir: '/nonexistent', secrets: { key, previousKeys: [old] } }, logger);
    expect(keyring?.primaryKeyId).toBe(SecretKeyring.fromKeys(key).primaryKeyId);
    expect(keyring?.open(sealed, 'aad')).toBe('v');
  });

  it('in dev without FTM_SECRETS_KEY, generates one key file readable only by its owner and keeps using it', async () => {
    await withDir(async (dir) => {
      const first = await openSecretKeyring({ env: 'dev', dataDir: dir, secrets: { previousKeys: [] } }, logger);
      const second = await openSecretKeyring({ env: 'dev', dataDir: dir, secrets: { previousKeys: [] } }, logger);
      expect(first?.primaryKeyId).toBeDefined();
      expect(second?.primaryKeyId).toBe(first?.primaryKeyId);
      expect((await stat(devSecretsKeyPath(dir))).mode & 0o777).toBe(0o600);
      expect((await readFile(devSecretsKeyPath(dir), 'utf8')).trim()).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    });
  });

  it('names the dev key file when it was damaged', async () => {
    await withDir(async (dir) => {
      await writeFile(devSecretsKeyPath(dir), 'not a key\n');
      await expect(openSecretKeyring({ env: 'dev', dataDir: dir, secrets: { previousKeys: [] } }, logger)).rejects.toThrow(/secrets\.key does not hold 32 bytes/);
    });
  });

  it('outside dev without FTM_SECRETS_KEY, has no keyring and writes no file', async () => {
    await withDir(async (dir) => {
      for (const env of ['stage', 'prod'] as const) expect(await openSecretKeyring({ env, dataDir: dir, secrets: { previousKeys: [] } }, logger)).toBeNull();
      await expect(stat(devSecretsKeyPath(dir))).rejects.toMatchObject({ code: 'ENOENT' });
    });
  });

  it('refuses to run prod without FTM_SECRETS_KEY while credentials are stored, and only then', () => {
    expect(() => assertSecretsReadable('prod', null, 2)).toThrow(ConfigError);
    expect(() => assertSecretsReadable('prod', null, 2)).toThrow(/FTM_SECRETS_KEY: required when FTM_ENV=prod and credentials are stored \(2 stored\)/);
    expect(() => assertSecretsReadable('prod', null, 0)).not.toThrow();
    expect(() => assertSecretsReadable('stage', null, 2)).not.toThrow();
    expect(() => assertSecretsReadable('prod', SecretKeyring.fromKeys(generateSecretsKey()), 2)).not.toThrow();
  });

  it('`ftm secrets reseal` moves stored secrets to the new key and says when the old one can go', async () => {
    const t = await createPostgresTestDatabase();
    try {
      const [oldKey, newKey] = [generateSecretsKey(), generateSecretsKey()];
      const { tenantId } = await seedTenant(t.database);
      const address = { tenantId, projectId: null, kind: 'provider_credential', name: 'openai' };
      await new EncryptedSecretStore(SecretKeyring.fromKeys(oldKey)).put(t.database.db, testContext({ tenantId, role: 'admin' }), address, { api_key: 'sk-kept' });
      const lines: string[] = [];
      await secretsCommand('reseal', loadConfig({ FTM_DATABASE_URL: t.url!, FTM_SECRETS_KEY: newKey, FTM_SECRETS_PREVIOUS_KEYS: oldKey }), logger, (l) => lines.push(l));
      expect(lines).toEqual(['resealed 1 secret under the current FTM_SECRETS_KEY', 'no secret needs an earlier key now: FTM_SECRETS_PREVIOUS_KEYS can be removed']);
      expect(await new EncryptedSecretStore(SecretKeyring.fromKeys(newKey)).get(t.database.db, address)).toEqual({ api_key: 'sk-kept' });
    } finally {
      await t.dispose();
    }
  });
});
