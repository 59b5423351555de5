import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '@ftm/core';
import { createPostgresTestDatabase } from '@ftm/test-support/databases';
import { createTestApp, modelVersionBody, type TestApp } from '@ftm/test-support/server-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ database: await createPostgresTestDatabase() });
});
afterAll(async () => t?.close());

const post = (url: string, payload: unknown, key: string, bearer = t.a.memberKey) =>
  t.request(bearer, { method: 'POST', url, payload: payload as Record<string, unknown>, headers: { 'idempotency-key': key } });

describe('Idempotency-Key on PostgreSQL', () => {
  it('replays the stored response with Idempotent-Replayed: true and creates nothing more', async () => {
    const key = uuidv7();
    const body = modelVersionBody();
    const first = await post('/model-versions', body, key);
    const second = await post('/model-versions', body, key);
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toBe(first.body);
    expect(second.headers.location).toBe(first.headers.location);
    const rows = await t.ftm.database.db.selectFrom('model_versions').select('id').where('provider_model_id', '=', String(body.provider_model_id)).execute();
    expect(rows).toHaveLength(1);
  });

  it('answers 422 to the same key with another body', async () => {
    const key = uuidv7();
    await post('/model-versions', modelVersionBody(), key);
    const res = await post('/model-versions', modelVersionBody(), key);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'idempotency_key_reused', status: 422 });
  });

  it('creates exactly one model version from 20 concurrent identical POSTs', async () => {
    const key = uuidv7();
    const body = modelVersionBody();
    const results = await Promise.all(Array.from({ length: 20 }, () => post('/model-versions', body, key)));
    const statuses = results.map((r) => r.statusCode);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    expect(results.filter((r) => r.statusCode === 201 && !r.headers['idempotent-replayed'])).toHaveLength(1);
    for (const r of results.filter((x) => x.statusCode === 409)) {
      expect(r.json().code).toBe('idempotency_key_in_flight');
      expect(r.headers['retry-after']).toBe('1');
    }
    const rows = await t.ftm.database.db.selectFrom('model_versions').select('id').where('provider_model_id', '=', String(body.provider_model_id)).execute();
    expect(rows).toHaveLength(1);
  });

  it('keeps keys per tenant, so another tenant may use the same key', async () => {
    const key = uuidv7();
    expect((await post('/model-versions', modelVersionBody(), key)).statusCode).toBe(201);
    expect((await post('/model-versions', modelVersionBody(), key, t.b.memberKey)).statusCode).toBe(201);
  });

  it('lets a corrected retry run after a validation failure under the same key', async () => {
    const key = uuidv7();
    expect((await post('/model-versions', { name: 'x' }, key)).statusCode).toBe(400);
    const retry = await post('/model-versions', modelVersionBody(), key);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
  });

  it('replays a conflict as a conflict', async () => {
    const key = uuidv7();
    const created = (await post('/model-versions', modelVersionBody(), uuidv7())).json();
    const first = await post(`/model-versions/${created.id}/retire`, undefined, key);
    expect(first.statusCode).toBe(200);
    const again = await post(`/model-versions/${created.id}/retire`, undefined, key);
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((await post(`/model-versions/${created.id}/retire`, undefined, uuidv7())).statusCode).toBe(409);
  });

  it('never stores a new API key secret for replay', async () => {
    const key = uuidv7();
    const first = await post('/api-keys', { name: 'deploy' }, key, t.a.adminKey);
    expect(first.statusCode).toBe(201);
    const { secret, id } = first.json();
    const replay = await post('/api-keys', { name: 'deploy' }, key, t.a.adminKey);
    expect(replay.statusCode).toBe(409);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toMatchObject({ code: 'secret_not_replayed', resource_id: id });
    expect(replay.body).not.toContain(secret);
    const stored = await t.ftm.database.db.selectFrom('idempotency_records').select('response_body').where('key', '=', key).executeTakeFirstOrThrow();
    expect(stored.response_body).not.toContain(secret);
  });

  it('refuses a POST without Idempotency-Key', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/model-versions', payload: modelVersionBody(), headers: { authorization: `Bearer ${t.a.memberKey}` } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([expect.objectContaining({ path: 'Idempotency-Key' })]);
  });
});
