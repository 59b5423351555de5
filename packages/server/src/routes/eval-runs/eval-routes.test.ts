import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { createFtm, FsBlobStore, LocalGovernanceEngine, openQueue, uuidv7, type EvalsService, type Ftm } from '@ftm/core';
import { createPgliteTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext } from '@ftm/test-support/fixtures';
import { ContractValidator } from '../../../test/support/contract-validator.js';
import { buildApp } from '../../app.js';
import { createLogger } from '../../http/logger.js';

let db: TestDatabase;
let blobDir: string;
let ftm: Ftm;
let evals: EvalsService;
let app: FastifyInstance;
const keys: Record<'a' | 'b', { tenantId: string; key: string }> = {} as never;
const contract = new ContractValidator();

beforeAll(async () => {
  db = await createPgliteTestDatabase();
  blobDir = await mkdtemp(join(tmpdir(), 'ftm-eval-routes-'));
  ftm = createFtm({
    database: db.database,
    blobs: new FsBlobStore({ root: blobDir }),
    queue: openQueue({ type: 'local', database: db.database }),
    governance: new LocalGovernanceEngine({
      version: 1,
      default: 'allow',
      rules: [{ id: 'frozen', actions: ['eval.run'], effect: 'deny', when: { roles: ['member'] }, reason: 'evals need an admin' }],
    }),
    evals: { engine: { sleep: async () => {} } },
  });
  evals = ftm.evals;
  app = await buildApp({ config: { corsOrigins: [], bodyLimitBytes: 1024 * 1024 }, ftm, logger: createLogger({ level: 'silent' }) });
  await app.ready();
  for (const name of ['a', 'b'] as const) {
    const { tenantId } = await seedTenant(ftm.database);
    const admin = testContext({ tenantId, role: 'admin' });
    keys[name] = { tenantId, key: (await ftm.auth.createApiKey(admin, { name: 'admin', role: 'admin' })).secret };
  }
});
afterAll(async () => {
  await app?.close();
  await ftm?.close().catch(() => undefined);
  await db?.dispose().catch(() => undefined);
  await rm(blobDir, { recursive: true, force: true });
});

/** A request as tenant `who`, checked against the contract for `route`. */
async function call(who: 'a' | 'b', route: string, o: InjectOptions): Promise<LightMyRequestResponse> {
  const method = (o.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = { authorization: `Bearer ${keys[who].key}`, ...(o.headers as Record<string, string> | undefined) };
  if (method === 'POST') headers['idempotency-key'] ??= uuidv7();
  const res = await app.inject({ ...o, headers });
  expect(contract.check(method, route, res)).toEqual([]);
  return res;
}

const ask = (q: string) => ({ messages: [{ role: 'user', content: q }] });
const suiteBody = (extra: Record<string, unknown> = {}) => ({
  name: 'routes',
  cases: {
    type: 'inline',
    cases: [
      { input: ask('Where are the docs?'), tags: ['docs'] },
      { input: ask('What is 2+2?'), tags: ['math'], graders: [{ type: 'contains', values: ['4'] }] },
    ],
  },
  graders: [{ type: 'contains', values: ['documentation'] }],
  pass_threshold: 1,
  ...extra,
});

async function finishRun(tenant: 'a' | 'b', runId: string): Promise<void> {
  await evals.runJob(ftm.systemContext(keys[tenant].tenantId), { tenant_id: keys[tenant].tenantId, eval_run_id: runId }, { attempt: 1, maxAttempts: 1 });
}

describe('eval suite routes', () => {
  it('creates, gets, lists, versions and pages cases', async () => {
    const created = await call('a', '/eval-suites', { method: 'POST', url: '/eval-suites', payload: suiteBody() });
    expect(created.statusCode).toBe(201);
    const suite = created.json();
    expect(created.headers.location).toBe(`/eval-suites/${suite.id}`);
    expect((await call('a', '/eval-suites/:id', { url: `/eval-suites/${suite.id}` })).json()).toEqual(suite);
    const v2 = await call('a', '/eval-suites/:id/versions', { method: 'POST', url: `/eval-suites/${suite.id}/versions`, payload: { pass_threshold: 0.5 } });
    expect(v2.json()).toMatchObject({ version: 2, parent_suite_id: suite.id });
    const list = await call('a', '/eval-suites', { url: `/eval-suites?suite_group_id=${suite.id}` });
    expect(list.json().data.map((s: { version: number }) => s.version)).toEqual([2, 1]);
    const cases = await call('a', '/eval-suites/:id/cases', { url: `/eval-suites/${suite.id}/cases?limit=1` });
    expect(cases.json().data).toHaveLength(1);
    expect(cases.json().next_cursor).toEqual(expect.any(String));
    expect((await call('b', '/eval-suites/:id', { url: `/eval-suites/${suite.id}` })).statusCode).toBe(404);
  });

  it.each([
    ['an unknown grader', { graders: [{ type: 'vibes' }] }],
    ['an invalid regex', { graders: [{ type: 'regex', pattern: '[a-' }] }],
    ['an invalid JSON schema', { graders: [{ type: 'json_schema', schema: { type: 'nope' } }] }],
    ['an empty suite', { cases: { type: 'inline', cases: [] } }],
  ])('answers %s with a 400 problem', async (_what, patch) => {
    const res = await call('a', '/eval-suites', { method: 'POST', url: '/eval-suites', payload: suiteBody(patch) });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ code: 'validation_failed', errors: expect.any(Array) });
  });
});

describe('eval run routes', () => {
  it('queues a run, then serves it, its failed results and a comparison', async () => {
    const suite = (await call('a', '/eval-suites', { method: 'POST', url: '/eval-suites', payload: suiteBody() })).json();
    const model = { type: 'base_model', value: 'gpt-4o-mini-2024-07-18' };
    const started = await call('a', '/eval-runs', { method: 'POST', url: '/eval-runs', payload: { eval_suite_id: suite.id, model, cost_cap_usd: 1 } });
    expect(started.statusCode).toBe(201);
    expect(started.json()).toMatchObject({ status: 'queued', cost_cap_usd: 1, metrics: null });
    const baseline = (await call('a', '/eval-runs', { method: 'POST', url: '/eval-runs', payload: { eval_suite_id: suite.id, model } })).json();
    await finishRun('a', started.json().id);
    await finishRun('a', baseline.id);
    const run = await call('a', '/eval-runs/:id', { url: `/eval-runs/${started.json().id}` });
    expect(run.json()).toMatchObject({ status: 'completed', metrics: { score: 0.5, pass_rate: 0.5 } });
    const failed = await call('a', '/eval-runs/:id/results', { url: `/eval-runs/${run.json().id}/results?passed=false` });
    expect(failed.json().data.map((r: { tags: string[] }) => r.tags)).toEqual([['math']]);
    const compared = await call('a', '/eval-runs/:id/compare', { url: `/eval-runs/${run.json().id}/compare?baseline=${baseline.id}` });
    expect(compared.json().aggregate).toMatchObject({ delta: 0, significant: false });
    const listed = await call('a', '/eval-runs', { url: `/eval-runs?eval_suite_id=${suite.id}&status=completed` });
    expect(listed.json().data).toHaveLength(2);
  });

  it("answers a model ref to another tenant's version with 404", async () => {
    const suite = (await call('a', '/eval-suites', { method: 'POST', url: '/eval-suites', payload: suiteBody() })).json();
    const version = await ftm.registry.createModelVersion(testContext({ tenantId: keys.b.tenantId }), {
      name: 'b',
      provider: 'simulated',
      provider_model_id: `ft:gpt-4o-mini-2024-07-18:b::${uuidv7()}`,
      base_model: 'gpt-4o-mini-2024-07-18',
    });
    const res = await call('a', '/eval-runs', { method: 'POST', url: '/eval-runs', payload: { eval_suite_id: suite.id, model: { type: 'ft_model_version', value: version.id } } });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('answers a governance denial with 409 naming the gate', async () => {
    const suite = (await call('a', '/eval-suites', { method: 'POST', url: '/eval-suites', payload: suiteBody({ policy_profile: 'regulated' }) })).json();
    const member = (await ftm.auth.createApiKey(testContext({ tenantId: keys.a.tenantId, role: 'admin' }), { name: 'm', role: 'member' })).secret;
    const res = await app.inject({
      method: 'POST',
      url: '/eval-runs',
      headers: { authorization: `Bearer ${member}`, 'idempotency-key': uuidv7() },
      payload: { eval_suite_id: suite.id, model: { type: 'base_model', value: 'gpt-4o-mini' } },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'gate_denied', gates: [{ gate: 'governance', verdict: 'deny' }] });
  });

  it('cancels once and refuses a second cancel with 409', async () => {
    const suite = (await call('a', '/eval-suites', { method: 'POST', url: '/eval-suites', payload: suiteBody() })).json();
    const run = (await call('a', '/eval-runs', { method: 'POST', url: '/eval-runs', payload: { eval_suite_id: suite.id, model: { type: 'base_model', value: 'gpt-4o-mini' } } })).json();
    expect((await call('a', '/eval-runs/:id/cancel', { method: 'POST', url: `/eval-runs/${run.id}/cancel` })).json()).toMatchObject({ status: 'canceled' });
    expect((await call('a', '/eval-runs/:id/cancel', { method: 'POST', url: `/eval-runs/${run.id}/cancel` })).statusCode).toBe(409);
  });

  it.each([
    ['a bad run body', { method: 'POST', url: '/eval-runs', payload: { eval_suite_id: 'x', model: { type: 'base_model', value: '' } } }, '/eval-runs'],
    ['an unknown model ref type', { method: 'POST', url: '/eval-runs', payload: { eval_suite_id: uuidv7(), model: { type: 'magic', value: 'x' } } }, '/eval-runs'],
    ['a bad results filter', { url: `/eval-runs/${uuidv7()}/results?passed=maybe` }, '/eval-runs/:id/results'],
    ['a missing baseline', { url: `/eval-runs/${uuidv7()}/compare` }, '/eval-runs/:id/compare'],
    ['a bad run id', { url: '/eval-runs/nope' }, '/eval-runs/:id'],
  ] as const)('answers %s with a 400 problem', async (_what, o, route) => {
    const res = await call('a', route, o as InjectOptions);
    expect(res.statusCode).toBe(400);
  });
});
