import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractValidator } from './support/contract-validator.js';
import { createTestApp, type TestApp } from '@ftm/test-support/server-app';

const contract = new ContractValidator();
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

async function keyIds(key: string): Promise<Map<string, { id: string; role: string; revoked_at: string | null }>> {
  const res = await t.request(key, { url: '/api-keys?include_revoked=true&limit=200' });
  expect(res.statusCode).toBe(200);
  return new Map((res.json().data as { id: string; name: string; role: string; revoked_at: string | null }[]).map((k) => [k.name, k]));
}
const revoke = (key: string, id: string) => t.request(key, { method: 'POST', url: `/api-keys/${id}/revoke` });

describe("a tenant's last admin key", () => {
  it('cannot be revoked, not even by itself: 409 last_admin_key, and the key keeps working', async () => {
    const admin = (await keyIds(t.a.adminKey)).get('admin')!;
    const res = await revoke(t.a.adminKey, admin.id);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'last_admin_key', status: 409 });
    expect(contract.check('POST', '/api-keys/{id}/revoke', res)).toEqual([]);
    expect((await t.request(t.a.adminKey, { url: '/api-keys' })).statusCode).toBe(200);
  });

  it('can be revoked once another admin key works; then the other one is the last', async () => {
    const second = await t.request(t.a.adminKey, { method: 'POST', url: '/api-keys', payload: { name: 'second admin', role: 'admin' } });
    expect(second.statusCode).toBe(201);
    const first = (await keyIds(t.a.adminKey)).get('admin')!;
    expect((await revoke(second.json().secret, first.id)).statusCode).toBe(200);
    expect((await revoke(second.json().secret, second.json().id)).json().code).toBe('last_admin_key');
  });

  it('counts neither expired admin keys nor member keys as another admin', async () => {
    const ids = await keyIds(t.b.adminKey);
    const expiring = await t.ftm.database.db
      .insertInto('api_keys')
      .values({
        ...(await t.ftm.database.db.selectFrom('api_keys').selectAll().where('id', '=', ids.get('admin')!.id).executeTakeFirstOrThrow()),
        id: '0193a8f2-5b7c-7d3e-9a41-2f6c8e1d4b91',
        name: 'expired admin',
        key_hash: 'expired-admin-hash',
        prefix: 'ftm_sk_expired',
        expires_at: new Date('2020-01-01T00:00:00Z'),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(expiring.id).toBeDefined();
    expect((await revoke(t.b.adminKey, ids.get('admin')!.id)).json().code).toBe('last_admin_key');
  });

  it('lets only one of two admins revoking each other at once succeed', async () => {
    const other = await t.request(t.b.adminKey, { method: 'POST', url: '/api-keys', payload: { name: 'b second admin', role: 'admin' } });
    const first = (await keyIds(t.b.adminKey)).get('admin')!;
    // Both keys warm in the auth cache, so both requests are authenticated before either revokes.
    expect((await t.request(other.json().secret, { url: '/api-keys' })).statusCode).toBe(200);
    const results = await Promise.all([revoke(t.b.adminKey, other.json().id), revoke(other.json().secret, first.id)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
  });
});
