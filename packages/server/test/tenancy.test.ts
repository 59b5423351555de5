import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, modelVersionBody, type TestApp } from '@ftm/test-support/server-app';

let t: TestApp;
let mv: { id: string; name: string; provider_model_id: string };
let keyId: string;
let projectId: string;

beforeAll(async () => {
  t = await createTestApp();
  mv = (await t.request(t.a.memberKey, { method: 'POST', url: '/model-versions', payload: modelVersionBody({ project_id: t.a.projectId }) })).json();
  keyId = (await t.request(t.a.adminKey, { method: 'POST', url: '/api-keys', payload: { name: 'tenant-a-only' } })).json().id;
  projectId = (await t.request(t.a.adminKey, { method: 'POST', url: '/projects', payload: { name: 'tenant-a-project' } })).json().id;
});
afterAll(async () => t?.close());

const leaks = (body: string) => [mv.id, mv.name, mv.provider_model_id, keyId, projectId, t.a.projectId, t.a.tenantId].filter((s) => body.includes(s));

describe("another tenant's key", () => {
  it.each([
    ['GET', '/model-versions/{id}', () => mv.id],
    ['POST', '/model-versions/{id}/approve', () => mv.id],
    ['POST', '/model-versions/{id}/retire', () => mv.id],
    ['POST', '/api-keys/{id}/revoke', () => keyId],
  ] as const)('gets 404 from %s %s and learns nothing', async (method, route, id) => {
    const res = await t.request(t.b.adminKey, { method, url: route.replace('{id}', id()) });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    // The id the caller sent may be echoed back; nothing else about the resource may be.
    expect(leaks(res.body.replaceAll(id(), ''))).toEqual([]);
  });

  it.each(['/model-versions', `/model-versions?project_id=PROJECT`, '/projects', '/api-keys?include_revoked=true'])('sees none of it in %s', async (url) => {
    const res = await t.request(t.b.adminKey, { url: url.replace('PROJECT', t.a.projectId) });
    expect(res.statusCode).toBe(200);
    expect(leaks(res.body)).toEqual([]);
  });

  it("gets 404 when registering into or scoping a key to the other tenant's project, and nothing is written", async () => {
    const before = await t.ftm.database.db
      .selectFrom('model_versions')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const mvRes = await t.request(t.b.memberKey, { method: 'POST', url: '/model-versions', payload: modelVersionBody({ project_id: t.a.projectId }) });
    const keyRes = await t.request(t.b.adminKey, { method: 'POST', url: '/api-keys', payload: { name: 'x', project_id: t.a.projectId } });
    expect([mvRes.statusCode, keyRes.statusCode]).toEqual([404, 404]);
    const after = await t.ftm.database.db
      .selectFrom('model_versions')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('leaves the resources untouched', async () => {
    const res = await t.request(t.a.memberKey, { url: `/model-versions/${mv.id}` });
    expect(res.json().status).toBe('candidate');
  });
});

describe('a project-scoped key', () => {
  it("sees its project's versions but not the tenant's other ones", async () => {
    const other = (await t.request(t.a.memberKey, { method: 'POST', url: '/model-versions', payload: modelVersionBody({ project_id: projectId }) })).json();
    expect((await t.request(t.a.scopedKey, { url: `/model-versions/${mv.id}` })).statusCode).toBe(200);
    expect((await t.request(t.a.scopedKey, { url: `/model-versions/${other.id}` })).statusCode).toBe(404);
    const listed = (await t.request(t.a.scopedKey, { url: '/model-versions?limit=200' })).json().data.map((v: { id: string }) => v.id);
    expect(listed).toContain(mv.id);
    expect(listed).not.toContain(other.id);
  });
});

describe('authentication', () => {
  it('refuses missing, malformed, unknown and revoked keys with 401', async () => {
    const created = (await t.request(t.a.adminKey, { method: 'POST', url: '/api-keys', payload: { name: 'short-lived' } })).json();
    expect((await t.request(created.secret, { url: '/model-versions' })).statusCode).toBe(200);
    await t.request(t.a.adminKey, { method: 'POST', url: `/api-keys/${created.id}/revoke` });
    for (const headers of [{}, { authorization: 'Basic abc' }, { authorization: 'Bearer ftm_sk_unknown' }, { authorization: `Bearer ${created.secret}` }]) {
      const res = await t.app.inject({ url: '/model-versions', headers });
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('unauthorized');
    }
  });

  it('lets members read but not manage keys', async () => {
    expect((await t.request(t.a.memberKey, { url: '/api-keys' })).statusCode).toBe(403);
    expect((await t.request(t.a.memberKey, { method: 'POST', url: '/api-keys', payload: { name: 'x' } })).statusCode).toBe(403);
  });
});
