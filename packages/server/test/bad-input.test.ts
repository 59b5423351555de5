import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '@ftm/core';
import { createTestApp, modelVersionBody, type TestApp } from '@ftm/test-support/server-app';

let t: TestApp;
let mvId: string;

beforeAll(async () => {
  t = await createTestApp({ config: { bodyLimitBytes: 64 * 1024 } });
  mvId = (await t.request(t.a.memberKey, { method: 'POST', url: '/model-versions', payload: modelVersionBody() })).json().id;
});
afterAll(async () => t?.close());

async function rowCounts(): Promise<Record<string, number>> {
  const db = t.ftm.database.db;
  const count = async (table: 'model_versions' | 'projects' | 'api_keys' | 'outbox_events' | 'audit_events' | 'idempotency_records') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    model_versions: await count('model_versions'),
    projects: await count('projects'),
    api_keys: await count('api_keys'),
    outbox_events: await count('outbox_events'),
    audit_events: await count('audit_events'),
    idempotency_records: await count('idempotency_records'),
  };
}

const json = { 'content-type': 'application/json' };
const big = JSON.stringify({ ...modelVersionBody(), metadata: { blob: 'x'.repeat(70_000) } });

const cases: [string, { method: 'GET' | 'POST'; url: string; payload?: string; headers?: Record<string, string>; key?: 'admin' }][] = [
  ['malformed JSON', { method: 'POST', url: '/model-versions', payload: '{"name": "a",', headers: json }],
  ['a JSON array', { method: 'POST', url: '/model-versions', payload: '[]', headers: json }],
  ['wrong types', { method: 'POST', url: '/model-versions', payload: JSON.stringify({ ...modelVersionBody(), name: 42, metadata: { a: 1 } }), headers: json }],
  ['unknown fields', { method: 'POST', url: '/model-versions', payload: JSON.stringify({ ...modelVersionBody(), status: 'production' }), headers: json }],
  ['a bad project UUID', { method: 'POST', url: '/model-versions', payload: JSON.stringify(modelVersionBody({ project_id: 'p1' })), headers: json }],
  ['an oversized body', { method: 'POST', url: '/model-versions', payload: big, headers: json }],
  ['a wrong content type', { method: 'POST', url: '/model-versions', payload: 'name=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } }],
  ['a missing Idempotency-Key', { method: 'POST', url: '/model-versions', payload: JSON.stringify(modelVersionBody()), headers: { ...json, 'idempotency-key': '' } }],
  ['a prototype-polluting body', { method: 'POST', url: '/projects', payload: '{"name":"p","__proto__":{"admin":true}}', headers: json, key: 'admin' }],
  ['unknown project fields', { method: 'POST', url: '/projects', payload: JSON.stringify({ name: 'p', tenant_id: uuidv7() }), headers: json, key: 'admin' }],
  ['a bad API key role', { method: 'POST', url: '/api-keys', payload: JSON.stringify({ name: 'k', role: 'root' }), headers: json, key: 'admin' }],
  ['a non-date expiry', { method: 'POST', url: '/api-keys', payload: JSON.stringify({ name: 'k', expires_at: 'tomorrow' }), headers: json, key: 'admin' }],
  ['a bad UUID in the path (get)', { method: 'GET', url: '/model-versions/not-a-uuid' }],
  ['a bad UUID in the path (approve)', { method: 'POST', url: "/model-versions/1'%20or%201=1/approve" }],
  ['a bad UUID in the path (revoke)', { method: 'POST', url: '/api-keys/xyz/revoke', key: 'admin' }],
  ['a bad limit', { method: 'GET', url: '/model-versions?limit=abc' }],
  ['a forged cursor', { method: 'GET', url: '/model-versions?cursor=eyJpZCI6IjEifQ' }],
  ['an unknown query parameter', { method: 'GET', url: '/model-versions?sort=name' }],
];

describe('bad input', () => {
  it.each(cases)('answers %s with a 4xx problem and writes nothing', async (_name, c) => {
    const before = await rowCounts();
    const res = await t.request(c.key === 'admin' ? t.a.adminKey : t.a.memberKey, {
      method: c.method,
      url: c.url.replace('MV', mvId),
      ...(c.payload !== undefined ? { payload: c.payload } : {}),
      headers: c.headers ?? {},
    });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const problem = res.json();
    expect(problem).toMatchObject({ status: res.statusCode, request_id: res.headers['x-request-id'] });
    expect(res.body).not.toMatch(/stack|select |insert |at .*\.ts:/i);
    expect(await rowCounts()).toEqual(before);
  });

  it('reports each offending field of a 400', async () => {
    const res = await t.request(t.a.memberKey, { method: 'POST', url: '/model-versions', payload: { name: '', provider: 7, extra: true } });
    expect(res.statusCode).toBe(400);
    expect(
      res
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(['base_model', 'extra', 'name', 'provider', 'provider_model_id']);
  });

  it('answers 413 for an oversized body', async () => {
    const res = await t.request(t.a.memberKey, { method: 'POST', url: '/model-versions', payload: big, headers: json });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('payload_too_large');
  });

  it('answers an unknown route with a 404 problem', async () => {
    const res = await t.request(t.a.memberKey, { url: '/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('not_found');
  });

  it('echoes a plain X-Request-Id and replaces a hostile one', async () => {
    const ok = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'trace-123' } });
    expect(ok.headers['x-request-id']).toBe('trace-123');
    const hostile = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'a\nforged log line' } });
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sets X-Request-Id on every kind of response: public, API, refused, unknown route, bad URL', async () => {
    const responses = {
      healthz: await t.app.inject({ url: '/healthz' }),
      openapi: await t.app.inject({ url: '/openapi.json' }),
      docs: await t.app.inject({ url: '/docs' }),
      providerWebhook: await t.app.inject({ method: 'POST', url: '/provider-webhooks/openai', payload: '{}', headers: json }),
      api: await t.request(t.a.memberKey, { url: `/model-versions/${mvId}` }),
      noKey: await t.app.inject({ url: `/model-versions/${mvId}` }),
      badKey: await t.app.inject({ url: `/model-versions/${mvId}`, headers: { authorization: 'Bearer nope' } }),
      unknownRoute: await t.app.inject({ url: '/nothing-here' }),
      badUrl: await t.app.inject({ url: '/model-versions/%E0%A4%A' }),
    };
    expect(Object.fromEntries(Object.entries(responses).map(([k, r]) => [k, r.statusCode]))).toMatchObject({ healthz: 200, api: 200, noKey: 401, badKey: 401, unknownRoute: 404 });
    for (const [kind, res] of Object.entries(responses)) expect(String(res.headers['x-request-id']), `${kind} ${res.statusCode}`).toMatch(/^[0-9a-f-]{36}$/);
  });
});
