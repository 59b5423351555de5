import { Writable } from 'node:stream';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecretsKey, SecretKeyring, uuidv7 } from '@ftm/core';
import { createLogger } from '../../http/logger.js';
import { ContractValidator } from '../../../test/support/contract-validator.js';
import { createTestApp, type TestApp, type TestTenant } from '@ftm/test-support/server-app';
import { createPostgresTestDatabase } from '@ftm/test-support/databases';

const contract = new ContractValidator();
const logLines: string[] = [];
const logger = createLogger({
  level: 'trace',
  destination: new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  }),
});
const ROUTE = '/integrations/langfuse/credentials';
const PAIR = { public_key: 'pk-lf-route-0001', secret_key: 'sk-lf-route-0001' };

let t: TestApp;
let a: TestTenant;
let scopedAdminKey: string;

async function call(key: string | null, options: InjectOptions, route = ROUTE): Promise<LightMyRequestResponse> {
  const res = await t.request(key, options);
  expect(contract.check((options.method ?? 'GET').toUpperCase(), route, res)).toEqual([]);
  return res;
}
const put = (key: string | null, payload: unknown, headers: Record<string, string> = {}) => call(key, { method: 'PUT', url: ROUTE, payload: payload as InjectOptions['payload'], headers });

beforeAll(async () => {
  t = await createTestApp({ database: await createPostgresTestDatabase(), app: { logger }, ftm: { secrets: { keyring: SecretKeyring.fromKeys(generateSecretsKey()) } } });
  a = t.a;
  scopedAdminKey = (await t.ftm.auth.createApiKey(t.ftm.systemContext(a.tenantId), { name: 'project admin', role: 'admin', project_id: a.projectId })).secret;
});
afterAll(async () => {
  await t?.close();
});

describe('Langfuse credentials over the API', () => {
  it('stores the tenant key pair (201), replaces it (200), lists and deletes it, never answering or logging a key', async () => {
    const created = await put(a.adminKey, { ...PAIR, base_url: 'https://langfuse.internal.example/' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ project_id: null, scope: 'tenant', fields: ['base_url', 'public_key', 'secret_key'] });
    expect(created.headers['cache-control']).toBe('no-store');
    const replaced = await put(a.adminKey, { public_key: 'pk-lf-route-0002', secret_key: 'sk-lf-route-0002' });
    expect([replaced.statusCode, replaced.json().id, replaced.json().fields]).toEqual([200, created.json().id, ['public_key', 'secret_key']]);
    const project = await put(scopedAdminKey, PAIR);
    expect(project.json()).toMatchObject({ project_id: a.projectId, scope: 'project' });
    const listed = await call(a.adminKey, { url: ROUTE });
    expect(listed.json().data.map((c: { scope: string }) => c.scope)).toEqual(['tenant', 'project']);
    expect((await call(a.adminKey, { method: 'DELETE', url: `${ROUTE}?project_id=${a.projectId}` })).statusCode).toBe(204);
    expect((await call(a.adminKey, { method: 'DELETE', url: `${ROUTE}?project_id=${a.projectId}` })).statusCode).toBe(404);
    expect(created.body + replaced.body + listed.body + logLines.join('')).not.toMatch(/sk-lf-route|pk-lf-route/);
    const audit = await call(a.adminKey, { url: '/audit-events?limit=50' }, '/audit-events');
    const actions = audit.json().data.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['langfuse_credential.create', 'langfuse_credential.replace', 'langfuse_credential.delete']));
    expect(audit.body).not.toMatch(/sk-lf-route/);
  });

  it('replays a retried PUT from its Idempotency-Key and refuses the key with another body', async () => {
    const headers = { 'idempotency-key': uuidv7() };
    const first = await put(a.adminKey, PAIR, headers);
    const again = await put(a.adminKey, PAIR, headers);
    expect([again.statusCode, again.headers['idempotent-replayed']]).toEqual([first.statusCode, 'true']);
    expect((await put(a.adminKey, { ...PAIR, secret_key: 'sk-lf-route-0009' }, headers)).statusCode).toBe(422);
  });

  it('refuses bad bodies with field errors, naming no value', async () => {
    const cases: [unknown, string][] = [
      [{ ...PAIR, public_key: 'sk-lf-swapped-0001' }, 'public_key'],
      [{ ...PAIR, secret_key: 'Bearer sk-lf-spaced' }, 'secret_key'],
      [{ public_key: PAIR.public_key }, 'secret_key'],
      [{ ...PAIR, base_url: 'ftp://langfuse.example' }, 'base_url'],
      [{ ...PAIR, base_url: 'https://user:pw@langfuse.example' }, 'base_url'],
      [{ ...PAIR, base_url: 'http://169.254.169.254' }, 'base_url'],
      [{ ...PAIR, project_id: 'nope' }, 'project_id'],
      [{ ...PAIR, extra: 1 }, ''],
    ];
    for (const [body, path] of cases) {
      const res = await put(a.adminKey, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      if (path) expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
      expect(res.body).not.toMatch(/sk-lf-route|sk-lf-spaced|user:pw/);
    }
  });

  it('is for admins, and a project admin manages only its own project', async () => {
    expect((await put(null, PAIR)).statusCode).toBe(401);
    expect((await put(a.memberKey, PAIR)).statusCode).toBe(403);
    expect((await call(a.memberKey, { url: ROUTE })).statusCode).toBe(403);
    expect((await put(scopedAdminKey, { ...PAIR, project_id: null })).statusCode).toBe(403);
    expect((await put(a.adminKey, { ...PAIR, project_id: t.b.projectId })).statusCode).toBe(404);
  });

  it('creates a langfuse dataset once a key pair is stored, and shows its source as the contract says', async () => {
    const body = { name: 'lf', format: 'jsonl_chat', source: { type: 'langfuse', filters: { tags: ['support'], environments: ['production'] }, score: { name: 'user-feedback', min_value: 0.5 } } };
    const refused = await call(t.b.adminKey, { method: 'POST', url: '/datasets', payload: body, headers: { 'idempotency-key': uuidv7() } }, '/datasets');
    expect([refused.statusCode, refused.json().code]).toEqual([409, 'langfuse_not_configured']);
    const created = await call(a.adminKey, { method: 'POST', url: '/datasets', payload: body, headers: { 'idempotency-key': uuidv7() } }, '/datasets');
    expect(created.statusCode).toBe(201);
    expect(created.json().source).toEqual({
      type: 'langfuse',
      upload_id: null,
      filters: { tags: ['support'], tags_match: 'any', environments: ['production'] },
      inline_record_count: null,
      score: { name: 'user-feedback', min_value: 0.5 },
    });
  });
});
