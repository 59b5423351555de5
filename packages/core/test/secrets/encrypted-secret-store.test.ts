import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { ConflictError } from '../../src/shared/errors.js';
import { EncryptedSecretStore } from '../../src/secrets/encrypted-secret-store.js';
import { generateSecretsKey, parseSecretsKey, SecretKeyring } from '../../src/secrets/secret-keyring.js';
import { storeAdapters, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext, type SeededTenant } from '@ftm/test-support/fixtures';

describe('SecretKeyring', () => {
  const keyring = SecretKeyring.fromKeys(generateSecretsKey());

  it('opens what it sealed, bound to the same additional data', () => {
    const sealed = keyring.seal('{"api_key":"sk-1"}', 'here');
    expect(keyring.open(sealed, 'here')).toBe('{"api_key":"sk-1"}');
    expect(Buffer.from(sealed.ciphertext).toString('utf8')).not.toContain('sk-1');
  });

  it('uses a fresh nonce for every value', () => {
    const a = keyring.seal('same', 'aad');
    const b = keyring.seal('same', 'aad');
    expect(Buffer.from(a.nonce).equals(Buffer.from(b.nonce))).toBe(false);
    expect(Buffer.from(a.ciphertext).equals(Buffer.from(b.ciphertext))).toBe(false);
  });

  it('refuses a value opened with other additional data', () => {
    const sealed = keyring.seal('secret', 'tenant-a');
    expect(() => keyring.open(sealed, 'tenant-b')).toThrow(expect.objectContaining({ code: 'secret_undecryptable' }));
  });

  it('refuses an altered ciphertext', () => {
    const sealed = keyring.seal('secret', 'aad');
    const altered = Buffer.from(sealed.ciphertext);
    altered[0] = altered[0]! ^ 1;
    expect(() => keyring.open({ ...sealed, ciphertext: altered }, 'aad')).toThrow(expect.objectContaining({ code: 'secret_undecryptable' }));
  });

  it('names a key it does not hold instead of failing obscurely', () => {
    const other = SecretKeyring.fromKeys(generateSecretsKey());
    expect(() => keyring.open(other.seal('secret', 'aad'), 'aad')).toThrow(expect.objectContaining({ code: 'secret_key_unknown' }));
  });

  it('opens values of a previous key during a rotation and seals new ones with the new key', () => {
    const oldKey = generateSecretsKey();
    const sealedBefore = SecretKeyring.fromKeys(oldKey).seal('secret', 'aad');
    const rotated = SecretKeyring.fromKeys(generateSecretsKey(), [oldKey]);
    expect(rotated.open(sealedBefore, 'aad')).toBe('secret');
    expect(rotated.seal('x', 'aad').keyId).toBe(rotated.primaryKeyId);
    expect(rotated.primaryKeyId).not.toBe(sealedBefore.keyId);
  });

  it('reads 32-byte keys as base64, base64url or hex and refuses anything else', () => {
    const bytes = randomBytes(32);
    expect(parseSecretsKey(bytes.toString('base64')).equals(bytes)).toBe(true);
    expect(parseSecretsKey(bytes.toString('base64url')).equals(bytes)).toBe(true);
    expect(parseSecretsKey(bytes.toString('hex')).equals(bytes)).toBe(true);
    for (const bad of ['', 'short', randomBytes(16).toString('base64'), randomBytes(31).toString('hex'), 'x'.repeat(44)]) {
      expect(() => parseSecretsKey(bad)).toThrow(/32 random bytes/);
    }
  });
});

describe.each(storeAdapters)('EncryptedSecretStore on $name', ({ create }) => {
  let t: TestDatabase;
  let a: SeededTenant;
  let b: SeededTenant;
  const store = new EncryptedSecretStore(SecretKeyring.fromKeys(generateSecretsKey()));
  const kind = 'provider_credential';

  beforeAll(async () => {
    t = await create();
    a = await seedTenant(t.database);
    b = await seedTenant(t.database);
  });
  afterAll(async () => t?.dispose());

  const ctxOf = (tenantId: string) => testContext({ tenantId, role: 'admin' });

  it('stores a value that only the store can read back, never in clear in the table', async () => {
    const address = { tenantId: a.tenantId, projectId: null, kind, name: 'openai' };
    const { info, replaced } = await store.put(t.database.db, ctxOf(a.tenantId), address, { api_key: 'sk-tenant-secret' });
    expect(replaced).toBe(false);
    expect(info).toMatchObject({ ...address, fields: ['api_key'], createdBy: 'api_key:test-key-admin' });
    expect(await store.get(t.database.db, address)).toEqual({ api_key: 'sk-tenant-secret' });
    const raw = await t.database.db.selectFrom('secrets').selectAll().where('id', '=', info.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(raw)).not.toContain('sk-tenant-secret');
    expect(Buffer.from(raw.ciphertext).toString('latin1')).not.toContain('sk-tenant-secret');
  });

  it('replaces the value at the same address, keeping its id and creation', async () => {
    const address = { tenantId: a.tenantId, projectId: null, kind, name: 'together' };
    const first = await store.put(t.database.db, ctxOf(a.tenantId), address, { api_key: 'one' });
    const second = await store.put(t.database.db, ctxOf(a.tenantId), address, { api_key: 'two', organization: 'org' });
    expect(second.replaced).toBe(true);
    expect(second.info.id).toBe(first.info.id);
    expect(second.info.fields).toEqual(['api_key', 'organization']);
    expect(await store.get(t.database.db, address)).toEqual({ api_key: 'two', organization: 'org' });
  });

  it('resolves the project secret before the tenant one, and nothing for another tenant', async () => {
    const name = 'azure_openai';
    await store.put(t.database.db, ctxOf(a.tenantId), { tenantId: a.tenantId, projectId: null, kind, name }, { api_key: 'tenant' });
    expect((await store.resolve(t.database.db, { tenantId: a.tenantId, projectId: a.projectId, kind, name }))?.value).toEqual({ api_key: 'tenant' });
    await store.put(t.database.db, ctxOf(a.tenantId), { tenantId: a.tenantId, projectId: a.projectId, kind, name }, { api_key: 'project' });
    const resolved = await store.resolve(t.database.db, { tenantId: a.tenantId, projectId: a.projectId, kind, name });
    expect([resolved?.value, resolved?.source]).toEqual([{ api_key: 'project' }, 'project']);
    const tenantWide = await store.resolve(t.database.db, { tenantId: a.tenantId, projectId: null, kind, name });
    expect([tenantWide?.value, tenantWide?.source]).toEqual([{ api_key: 'tenant' }, 'tenant']);
    expect(await store.resolve(t.database.db, { tenantId: b.tenantId, projectId: b.projectId, kind, name })).toBeNull();
  });

  it('lists what is stored without values, oldest first, a page at a time', async () => {
    const listed = await store.list(t.database.db, { tenantId: a.tenantId, kind, name: 'azure_openai' });
    expect(listed.map((s) => s.projectId)).toEqual([null, a.projectId]);
    expect(JSON.stringify(listed)).not.toMatch(/tenant"|project"/);
    expect(await store.list(t.database.db, { tenantId: b.tenantId })).toEqual([]);
    const [first] = await store.list(t.database.db, { tenantId: a.tenantId, kind, name: 'azure_openai', limit: 1 });
    expect((await store.list(t.database.db, { tenantId: a.tenantId, kind, name: 'azure_openai', afterId: first!.id })).map((s) => s.projectId)).toEqual([a.projectId]);
  });

  it('deletes one address and leaves the others', async () => {
    const name = 'deleted';
    await store.put(t.database.db, ctxOf(a.tenantId), { tenantId: a.tenantId, projectId: null, kind, name }, { api_key: 'tenant' });
    await store.put(t.database.db, ctxOf(a.tenantId), { tenantId: a.tenantId, projectId: a.projectId, kind, name }, { api_key: 'project' });
    const deleted = await store.delete(t.database.db, { tenantId: a.tenantId, projectId: a.projectId, kind, name });
    expect(deleted?.projectId).toBe(a.projectId);
    expect(await store.delete(t.database.db, { tenantId: a.tenantId, projectId: a.projectId, kind, name })).toBeNull();
    expect((await store.resolve(t.database.db, { tenantId: a.tenantId, projectId: a.projectId, kind, name }))?.source).toBe('tenant');
  });

  it('does not open a row moved to another tenant', async () => {
    const { info } = await store.put(t.database.db, ctxOf(a.tenantId), { tenantId: a.tenantId, projectId: null, kind, name: 'moved' }, { api_key: 'x' });
    await t.database.db.updateTable('secrets').set({ tenant_id: b.tenantId }).where('id', '=', info.id).execute();
    await expect(store.resolve(t.database.db, { tenantId: b.tenantId, projectId: null, kind, name: 'moved' })).rejects.toMatchObject({ code: 'secret_undecryptable' });
  });

  it('writes nothing when the surrounding transaction rolls back', async () => {
    const address = { tenantId: a.tenantId, projectId: null, kind, name: 'rolled-back' };
    await expect(
      t.database.db.transaction().execute(async (trx) => {
        await store.put(trx, ctxOf(a.tenantId), address, { api_key: 'x' });
        throw new Error('later step failed');
      }),
    ).rejects.toThrow('later step failed');
    expect(await store.get(t.database.db, address)).toBeNull();
  });

  it('refuses a project of another tenant', async () => {
    await expect(store.put(t.database.db, ctxOf(a.tenantId), { tenantId: a.tenantId, projectId: b.projectId, kind, name: 'openai' }, { api_key: 'x' })).rejects.toThrow();
  });

  it('without a key stores nothing and reads nothing, saying which variable is missing', async () => {
    const keyless = new EncryptedSecretStore(null);
    expect(keyless.configured).toBe(false);
    const put = keyless.put(t.database.db, ctxOf(a.tenantId), { tenantId: a.tenantId, projectId: null, kind, name: 'keyless' }, { api_key: 'x' });
    await expect(put).rejects.toBeInstanceOf(ConflictError);
    await expect(put).rejects.toMatchObject({ code: 'secrets_key_missing', message: expect.stringContaining('FTM_SECRETS_KEY') });
    await expect(keyless.resolve(t.database.db, { tenantId: a.tenantId, projectId: null, kind, name: 'openai' })).rejects.toMatchObject({ code: 'secrets_key_missing' });
    expect(await keyless.resolve(t.database.db, { tenantId: b.tenantId, projectId: null, kind, name: 'openai' })).toBeNull();
    expect(await keyless.count(t.database.db)).toBeGreaterThan(0);
  });

  it('reseals what an earlier key sealed, so the earlier key can be dropped', async () => {
    const [oldKey, newKey] = [generateSecretsKey(), generateSecretsKey()];
    const c = await seedTenant(t.database);
    const address = { tenantId: c.tenantId, projectId: null, kind, name: 'rotated' };
    await new EncryptedSecretStore(SecretKeyring.fromKeys(oldKey)).put(t.database.db, ctxOf(c.tenantId), address, { api_key: 'kept' });
    const rotating = new EncryptedSecretStore(SecretKeyring.fromKeys(newKey, [oldKey]));
    const first = await rotating.reseal(t.database.db);
    // The earlier tests' rows were sealed with a key this keyring lacks (and one was moved): reported, left alone.
    expect(first.resealed).toBe(1);
    expect(first.failed.length).toBeGreaterThan(0);
    expect(first.failed.every((f) => ['secret_key_unknown', 'secret_undecryptable'].includes(f.code))).toBe(true);
    expect((await rotating.reseal(t.database.db)).resealed).toBe(0);
    expect(await new EncryptedSecretStore(SecretKeyring.fromKeys(newKey)).get(t.database.db, address)).toEqual({ api_key: 'kept' });
  });

  it('refuses malformed kinds, names and fields', async () => {
    const ctx = ctxOf(a.tenantId);
    await expect(store.put(t.database.db, ctx, { tenantId: a.tenantId, projectId: null, kind: 'Bad Kind', name: 'x' }, { api_key: 'x' })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(store.put(t.database.db, ctx, { tenantId: a.tenantId, projectId: null, kind, name: '../x' }, { api_key: 'x' })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(store.put(t.database.db, ctx, { tenantId: a.tenantId, projectId: null, kind, name: 'x' }, {})).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(store.put(t.database.db, ctx, { tenantId: a.tenantId, projectId: null, kind, name: 'x' }, { 'API-KEY': 'x' })).rejects.toMatchObject({ code: 'validation_failed' });
  });
});
