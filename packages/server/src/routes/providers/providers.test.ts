import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { generateSecretsKey, SecretKeyring, uuidv7 } from '@ftm/core';
import { createLogger } from '../../http/logger.js';
import { createTestApp, seedKeys, type TestApp, type TestTenant } from '@ftm/test-support/server-app';
import { ContractValidator } from '../../../test/support/contract-validator.js';
import { createPostgresTestDatabase } from '@ftm/test-support/databases';
import { startRecordingOpenAiStub, type RecordingOpenAiStub } from '../../../test/support/recording-openai-stub.js';

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

let t: TestApp;
let keyless: TestApp;
let stub: RecordingOpenAiStub;
let a: TestTenant;
let scopedAdminKey: string;
const trainingFile = { open: async () => [Buffer.from('{}\n')] };

/** Sends a request and checks the answer against the contract. */
async function call(app: TestApp, key: string | null, route: string, options: InjectOptions): Promise<LightMyRequestResponse> {
  const res = await app.request(key, options);
  expect(contract.check((options.method ?? 'GET').toUpperCase(), route, res)).toEqual([]);
  return res;
}
const put = (key: string | null, provider: string, payload: unknown, headers: Record<string, string> = {}) =>
  call(t, key, '/providers/:provider/credentials', { method: 'PUT', url: `/providers/${provider}/credentials`, payload: payload as InjectOptions['payload'], headers });

beforeAll(async () => {
  stub = await startRecordingOpenAiStub();
  const fineTuning = {
    openai: { defaultApiKey: null, baseUrl: `${stub.url}/v1` },
    azureOpenai: { defaultApiKey: null, baseUrl: `${stub.url}/azure/openai`, apiVersion: '2025-04-01-preview' },
  };
  [t, keyless] = await Promise.all([
    createTestApp({ database: await createPostgresTestDatabase(), app: { logger }, ftm: { fineTuning, secrets: { keyring: SecretKeyring.fromKeys(generateSecretsKey()) } } }),
    createTestApp({ database: await createPostgresTestDatabase(), ftm: { fineTuning } }),
  ]);
  a = t.a;
  scopedAdminKey = (await t.ftm.auth.createApiKey(t.ftm.systemContext(a.tenantId), { name: 'project admin', role: 'admin', project_id: a.projectId })).secret;
});
afterAll(async () => {
  await Promise.all([t?.close(), keyless?.close()]);
  await stub?.close();
});

describe('PUT /providers/{provider}/credentials', () => {
  it('stores a tenant credential (201), replaces it (200) and never answers with the key', async () => {
    const created = await put(a.adminKey, 'openai', { api_key: 'sk-tenant-first-0001', organization: 'org-acme' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ provider: 'openai', project_id: null, scope: 'tenant', fields: ['api_key', 'organization'] });
    expect(created.headers['cache-control']).toBe('no-store');
    const replaced = await put(a.adminKey, 'openai', { api_key: 'sk-tenant-second-0002' });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toMatchObject({ id: created.json().id, fields: ['api_key'] });
    expect(created.body + replaced.body).not.toMatch(/sk-tenant/);
  });

  it('replays a retried request from its Idempotency-Key and refuses the key with another body', async () => {
    const headers = { 'idempotency-key': uuidv7() };
    const first = await put(a.adminKey, 'azure_openai', { api_key: 'azure-key-0001' }, headers);
    const again = await put(a.adminKey, 'azure_openai', { api_key: 'azure-key-0001' }, headers);
    expect([first.statusCode, again.statusCode, again.headers['idempotent-replayed']]).toEqual([201, 201, 'true']);
    expect((await put(a.adminKey, 'azure_openai', { api_key: 'azure-key-0002' }, headers)).statusCode).toBe(422);
    expect(
      (await call(t, a.adminKey, '/providers/:provider/credentials', { method: 'PUT', url: '/providers/azure_openai/credentials', payload: { api_key: 'x' }, headers: { 'idempotency-key': '' } }))
        .statusCode,
    ).toBe(400);
  });

  it('refuses bad bodies with field errors, naming no value', async () => {
    const cases: [string, unknown, string][] = [
      ['openai', { api_key: 'Bearer sk-spaced-secret' }, 'api_key'],
      ['openai', { api_key: '' }, 'api_key'],
      ['openai', { api_key: 'sk-x-0001', organization: 'proj_wrong' }, 'organization'],
      ['openai', { api_key: 'sk-x-0001', base_url: 'http://169.254.169.254' }, ''],
      ['azure_openai', { api_key: 'azure-key-0003', organization: 'org-acme' }, 'organization'],
      ['simulated', { api_key: 'anything-0001' }, 'provider'],
      ['openai', { api_key: 'sk-x-0001', project_id: 'not-a-uuid' }, 'project_id'],
    ];
    for (const [provider, body, path] of cases) {
      const res = await put(a.adminKey, provider, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      if (path) expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
      expect(res.body).not.toMatch(/spaced-secret|sk-x-0001/);
    }
    expect((await put(a.adminKey, 'BAD NAME', { api_key: 'x' })).statusCode).toBe(400);
  });

  it('is for admins of the tenant, and a project admin sets only its own project', async () => {
    expect((await put(null, 'openai', { api_key: 'sk-anon-0001' })).statusCode).toBe(401);
    expect((await put(a.memberKey, 'openai', { api_key: 'sk-member-0001' })).statusCode).toBe(403);
    expect((await put(scopedAdminKey, 'openai', { api_key: 'sk-scoped-0001', project_id: null })).statusCode).toBe(403);
    expect((await put(scopedAdminKey, 'openai', { api_key: 'sk-scoped-0001', project_id: t.b.projectId })).statusCode).toBe(403);
    const own = await put(scopedAdminKey, 'no-such-provider', { api_key: 'x-0001' });
    expect(own.statusCode).toBe(404);
    expect((await put(a.adminKey, 'openai', { api_key: 'sk-other-0001', project_id: t.b.projectId })).statusCode).toBe(404);
    expect((await put(a.adminKey, 'openai', { api_key: 'sk-other-0001', project_id: uuidv7() })).statusCode).toBe(404);
  });

  it('answers 409 secrets_key_missing when the server has no FTM_SECRETS_KEY, and stores nothing', async () => {
    const res = await call(keyless, keyless.a.adminKey, '/providers/:provider/credentials', { method: 'PUT', url: '/providers/openai/credentials', payload: { api_key: 'sk-nowhere-0001' } });
    expect([res.statusCode, res.json().code]).toEqual([409, 'secrets_key_missing']);
    expect(await keyless.ftm.secrets.count(keyless.ftm.database.db)).toBe(0);
  });

  it('refuses a body over the size limit with 413', async () => {
    expect((await put(a.adminKey, 'openai', { api_key: 'k'.repeat(2 * 1024 * 1024) })).statusCode).toBe(413);
  });
});

describe('the most specific credential wins', () => {
  it('uses the project credential, then the tenant one, and says whose in GET /providers', async () => {
    const tenant = await seedKeys(t.ftm);
    const calledWith = async (projectId: string | null) => {
      const provider = await t.ftm.fineTuning.providers.resolve('openai', { tenantId: tenant.tenantId, projectId });
      await provider.uploadTrainingFile(trainingFile, { filename: 'train.jsonl' });
      return stub.requests.at(-1)!.headers.authorization;
    };
    const sourceSeenBy = async (key: string) => (await call(t, key, '/providers', { url: '/providers' })).json().data.find((p: { name: string }) => p.name === 'openai').credential_source;

    await expect(t.ftm.fineTuning.providers.resolve('openai', { tenantId: tenant.tenantId, projectId: null })).rejects.toMatchObject({ code: 'provider_not_configured' });
    expect(await sourceSeenBy(tenant.scopedKey)).toBeNull();

    await put(tenant.adminKey, 'openai', { api_key: 'sk-tenant-wide-0001' });
    expect(await calledWith(tenant.projectId)).toBe('Bearer sk-tenant-wide-0001');
    expect(await sourceSeenBy(tenant.scopedKey)).toBe('tenant');

    await put(tenant.adminKey, 'openai', { api_key: 'sk-project-own-0001', project_id: tenant.projectId, project: 'proj_support' });
    expect(await calledWith(tenant.projectId)).toBe('Bearer sk-project-own-0001');
    expect(stub.requests.at(-1)!.headers['openai-project']).toBe('proj_support');
    expect(await calledWith(null)).toBe('Bearer sk-tenant-wide-0001');
    expect(await sourceSeenBy(tenant.scopedKey)).toBe('project');
    expect(await sourceSeenBy(tenant.memberKey)).toBe('tenant');

    const deleted = await call(t, tenant.adminKey, '/providers/:provider/credentials', { method: 'DELETE', url: `/providers/openai/credentials?project_id=${tenant.projectId}` });
    expect(deleted.statusCode).toBe(204);
    expect(await calledWith(tenant.projectId)).toBe('Bearer sk-tenant-wide-0001');
  });
});

describe('GET /providers', () => {
  it('lists every provider with methods, limits, prices and retirement dates', async () => {
    const res = await call(t, a.memberKey, '/providers', { url: '/providers' });
    expect(res.statusCode).toBe(200);
    const byName = Object.fromEntries(res.json().data.map((p: { name: string }) => [p.name, p]));
    expect(Object.keys(byName)).toEqual(['simulated', 'openai', 'azure_openai']);
    expect(byName.simulated).toMatchObject({ simulated: true, default: true, configured: true, credential_source: null, credential_fields: [] });
    expect(byName.openai.retirement).toMatchObject({ new_jobs_end_on: '2027-01-06', trained_models_keep_serving: true });
    expect(byName.openai.credential_fields).toEqual(['api_key', 'organization', 'project']);
    expect(byName.openai.method_support.reinforcement.hyperparameters.compute_multiplier).toMatchObject({ kind: 'number', max: 10 });
    const mini = byName.openai.base_models.find((m: { id: string }) => m.id === 'gpt-4o-mini-2024-07-18');
    expect(mini).toMatchObject({ aliases: ['gpt-4o-mini'], max_tokens_per_example: 65_536, training_prices: { supervised: { unit: 'per_1m_training_tokens', usd: 3 } } });
    expect(byName.azure_openai).toMatchObject({ retirement: null, webhooks: false, credential_fields: ['api_key'] });
  });

  it('shows another project only to tenant-wide keys', async () => {
    expect((await call(t, a.adminKey, '/providers', { url: `/providers?project_id=${a.projectId}` })).statusCode).toBe(200);
    expect((await call(t, a.scopedKey, '/providers', { url: `/providers?project_id=${t.b.projectId}` })).statusCode).toBe(403);
    expect((await call(t, a.adminKey, '/providers', { url: `/providers?project_id=${t.b.projectId}` })).statusCode).toBe(404);
    expect((await call(t, a.adminKey, '/providers', { url: '/providers?project_id=nope' })).statusCode).toBe(400);
    expect((await call(t, null, '/providers', { url: '/providers' })).statusCode).toBe(401);
  });
});

describe('GET and DELETE /providers/{provider}/credentials', () => {
  it('lists scopes a page at a time, without keys, to admins', async () => {
    const tenant = await seedKeys(t.ftm);
    await put(tenant.adminKey, 'openai', { api_key: 'sk-list-tenant-0001' });
    await put(tenant.adminKey, 'openai', { api_key: 'sk-list-project-0001', project_id: tenant.projectId });
    const first = await call(t, tenant.adminKey, '/providers/:provider/credentials', { url: '/providers/openai/credentials?limit=1' });
    expect(first.json().data.map((c: { scope: string }) => c.scope)).toEqual(['tenant']);
    const second = await call(t, tenant.adminKey, '/providers/:provider/credentials', { url: `/providers/openai/credentials?limit=1&cursor=${first.json().next_cursor}` });
    expect([second.json().data[0].scope, second.json().next_cursor]).toEqual(['project', null]);
    expect(first.body + second.body).not.toMatch(/sk-list/);
    expect((await call(t, tenant.memberKey, '/providers/:provider/credentials', { url: '/providers/openai/credentials' })).statusCode).toBe(403);
    expect((await call(t, tenant.adminKey, '/providers/:provider/credentials', { url: '/providers/nope/credentials' })).statusCode).toBe(404);
    expect((await call(t, tenant.adminKey, '/providers/:provider/credentials', { url: '/providers/openai/credentials?cursor=garbage' })).statusCode).toBe(400);
    expect((await call(t, null, '/providers/:provider/credentials', { url: '/providers/openai/credentials' })).statusCode).toBe(401);
  });

  it('deletes a scope once (204, then 404), for admins only', async () => {
    const tenant = await seedKeys(t.ftm);
    await put(tenant.adminKey, 'azure_openai', { api_key: 'azure-delete-0001' });
    const del = (key: string | null, query = '') => call(t, key, '/providers/:provider/credentials', { method: 'DELETE', url: `/providers/azure_openai/credentials${query}` });
    expect((await del(tenant.memberKey)).statusCode).toBe(403);
    expect((await del(null)).statusCode).toBe(401);
    expect((await del(tenant.adminKey, '?project_id=x')).statusCode).toBe(400);
    expect((await del(tenant.adminKey)).statusCode).toBe(204);
    expect((await del(tenant.adminKey)).statusCode).toBe(404);
  });
});

describe('what a credential leaves behind', () => {
  it('audits every change and emits events, none of them, nor any log line, carrying a key', async () => {
    const tenant = await seedKeys(t.ftm);
    await put(tenant.adminKey, 'openai', { api_key: 'sk-audited-secret-0001' });
    await put(tenant.adminKey, 'openai', { api_key: 'sk-audited-secret-0002' });
    await call(t, tenant.adminKey, '/providers/:provider/credentials', { method: 'DELETE', url: '/providers/openai/credentials' });
    const audit = (await t.request(tenant.adminKey, { url: '/audit-events?limit=10' })).json();
    expect(audit.data.map((e: { action: string }) => e.action).filter((x: string) => x.startsWith('provider_credential.'))).toEqual([
      'provider_credential.delete',
      'provider_credential.replace',
      'provider_credential.create',
    ]);
    const events = await t.ftm.database.db
      .selectFrom('outbox_events')
      .select(['type', 'payload'])
      .where('tenant_id', '=', tenant.tenantId)
      .where('resource_type', '=', 'provider_credential')
      .execute();
    expect(events.map((e) => e.type).sort()).toEqual(['provider_credential.deleted', 'provider_credential.set', 'provider_credential.set']);
    expect(JSON.stringify(audit) + JSON.stringify(events)).not.toMatch(/sk-audited/);
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('')).not.toMatch(/sk-audited|sk-tenant|azure-key-000/);
  });
});
