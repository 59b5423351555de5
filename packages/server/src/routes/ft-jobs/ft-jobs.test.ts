import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { Webhook } from 'standardwebhooks';
import OpenAI from 'openai';
import {
  createFtm,
  defineCapabilities,
  FsBlobStore,
  openQueue,
  signStandardWebhook,
  TOGETHER_CAPABILITIES,
  uuidv7,
  type FineTuneProvider,
  type FineTuningService,
  type Ftm,
  type ProviderEndpoint,
} from '@ftm/core';
import { createPgliteTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext } from '@ftm/test-support/fixtures';
import { seedDataset } from '../../../../core/test/ft-jobs/ft-job-test-kit.js';
import { buildApp } from '../../app.js';
import { createLogger } from '../../http/logger.js';

const WEBHOOK_SECRET = `whsec_${Buffer.from('provider-webhook-secret-32-bytes').toString('base64')}`;

let t: TestDatabase;
let ftm: Ftm;
let fineTuning: FineTuningService;
let app: FastifyInstance;
let blobs: FsBlobStore;
const tenants: Array<{ tenantId: string; projectId: string; admin: string; member: string }> = [];

async function seedKeys() {
  const { tenantId, projectId } = await seedTenant(ftm.database);
  const ctx = testContext({ tenantId, role: 'admin' });
  const admin = (await ftm.auth.createApiKey(ctx, { name: 'admin', role: 'admin' })).secret;
  const member = (await ftm.auth.createApiKey(ctx, { name: 'member', role: 'member' })).secret;
  return { tenantId, projectId, admin, member };
}

function call(key: string | null, options: InjectOptions & { idempotencyKey?: string }) {
  const headers: Record<string, string> = { ...(options.headers as Record<string, string> | undefined) };
  if (key) headers.authorization = `Bearer ${key}`;
  if ((options.method ?? 'GET').toUpperCase() === 'POST') headers['idempotency-key'] = options.idempotencyKey ?? uuidv7();
  return app.inject({ ...options, headers });
}

/**
 * Together as the resolver sees it: its published capabilities. These route tests only create
 * jobs (nothing consumes the queue), so the adapter is never asked to reach the provider.
 */
const together: ProviderEndpoint = {
  name: 'together',
  capabilities: defineCapabilities(TOGETHER_CAPABILITIES),
  defaultCredential: { apiKey: 'together-test-key' },
  credentialFields: [],
  create: (): FineTuneProvider => {
    const unreachable = async (): Promise<never> => {
      throw new Error('the route tests never submit to Together');
    };
    return {
      name: 'together',
      simulated: false,
      capabilities: () => together.capabilities,
      uploadTrainingFile: unreachable,
      createJob: unreachable,
      findJobByIdempotencyKey: unreachable,
      getJob: unreachable,
      listEvents: unreachable,
      listCheckpoints: unreachable,
      cancelJob: unreachable,
    };
  },
};

beforeAll(async () => {
  t = await createPgliteTestDatabase();
  blobs = new FsBlobStore({ root: await mkdtemp(join(tmpdir(), 'ftm-ft-routes-')) });
  ftm = createFtm({
    database: t.database,
    blobs,
    queue: openQueue({ type: 'local', database: t.database }),
    fineTuning: { env: 'dev', defaultCostThresholdUsd: 0.1, webhookSecrets: { openai: WEBHOOK_SECRET }, endpoints: [together] },
  });
  fineTuning = ftm.fineTuning;
  app = await buildApp({ config: { corsOrigins: [], bodyLimitBytes: 1024 * 1024 }, ftm, logger: createLogger({ level: 'silent' }) });
  await app.ready();
  tenants.push(await seedKeys(), await seedKeys());
});
afterAll(async () => {
  await app?.close();
  await ftm?.close().catch(() => undefined);
  await t?.dispose().catch(() => undefined);
});

const body = (datasetId: string, extra: Record<string, unknown> = {}) => ({ dataset_id: datasetId, base_model: 'gpt-4o-mini-2024-07-18', ...extra });

describe('fine-tuning job routes', () => {
  it('creates a simulated job awaiting approval over the threshold, and lets an admin approve it', async () => {
    const a = tenants[0]!;
    const datasetId = await seedDataset({ db: ftm.database.db, blobs }, a);
    const created = await call(a.member, { method: 'POST', url: '/ft-jobs', payload: body(datasetId) });
    expect(created.statusCode).toBe(201);
    const job = created.json();
    expect(job).toMatchObject({ status: 'awaiting_approval', simulated: true, provider: 'simulated', estimated_cost_usd: 0.3 });
    expect((await call(a.member, { url: `/ft-jobs/${job.id}` })).json().id).toBe(job.id);

    const pending = await call(a.member, { url: '/approvals?status=pending' });
    expect(pending.json().data.map((x: { resource_id: string }) => x.resource_id)).toContain(job.id);
    const forbidden = await call(a.member, { method: 'POST', url: `/approvals/${job.approval_id}/approve`, payload: {} });
    expect(forbidden.statusCode).toBe(403);
    const approved = await call(a.admin, { method: 'POST', url: `/approvals/${job.approval_id}/approve`, payload: { notes: 'fine' } });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', decision_notes: 'fine' });
    expect((await call(a.member, { url: `/ft-jobs/${job.id}` })).json().status).toBe('queued');

    const events = await call(a.member, { url: `/ft-jobs/${job.id}/events` });
    expect(events.json().data.some((e: { type: string }) => e.type === 'gate_evaluated')).toBe(true);
    const canceled = await call(a.member, { method: 'POST', url: `/ft-jobs/${job.id}/cancel` });
    expect(canceled.json().status).toBe('canceled');
    expect((await call(a.member, { method: 'POST', url: `/ft-jobs/${job.id}/cancel` })).statusCode).toBe(409);
  });

  it('answers a gate denial with a 409 problem naming the gate and reason', async () => {
    const a = tenants[0]!;
    const datasetId = await seedDataset({ db: ftm.database.db, blobs }, a, { sanitized: false });
    const res = await call(a.member, { method: 'POST', url: '/ft-jobs', payload: body(datasetId) });
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const problem = res.json();
    expect(problem.code).toBe('gate_denied');
    expect(problem.gates).toEqual(expect.arrayContaining([expect.objectContaining({ gate: 'dataset_sanitized', verdict: 'deny' })]));
  });

  it("answers 404 for a job on another tenant's dataset", async () => {
    const [a, b] = [tenants[0]!, tenants[1]!];
    const datasetId = await seedDataset({ db: ftm.database.db, blobs }, a);
    expect((await call(b.member, { method: 'POST', url: '/ft-jobs', payload: body(datasetId) })).statusCode).toBe(404);
  });

  it('creates one job for 50 concurrent requests with one Idempotency-Key and 50 for 50 keys', async () => {
    const b = tenants[1]!;
    const datasetId = await seedDataset({ db: ftm.database.db, blobs }, b);
    const key = uuidv7();
    const same = await Promise.all(Array.from({ length: 50 }, () => call(b.member, { method: 'POST', url: '/ft-jobs', payload: body(datasetId, { suffix: 'same' }), idempotencyKey: key })));
    const ids = new Set(same.filter((r) => r.statusCode === 201).map((r) => r.json().id));
    expect(ids.size).toBe(1);
    expect(same.every((r) => r.statusCode === 201 || r.statusCode === 409)).toBe(true);
    const distinct = await Promise.all(Array.from({ length: 50 }, () => call(b.member, { method: 'POST', url: '/ft-jobs', payload: body(datasetId, { suffix: 'distinct' }) })));
    expect(distinct.every((r) => r.statusCode === 201)).toBe(true);
    const rows = await ftm.database.db.selectFrom('ft_jobs').select(['id', 'suffix']).where('tenant_id', '=', b.tenantId).where('dataset_id', '=', datasetId).execute();
    expect(rows.filter((r) => r.suffix === 'same')).toHaveLength(1);
    expect(rows.filter((r) => r.suffix === 'distinct')).toHaveLength(50);
  });
});

describe('POST /ft-jobs/{id}/retarget', () => {
  it('creates the job on the target with retargeted_from, once per Idempotency-Key', async () => {
    const a = tenants[0]!;
    const datasetId = await seedDataset({ db: ftm.database.db, blobs }, a);
    const original = (await call(a.member, { method: 'POST', url: '/ft-jobs', payload: body(datasetId, { hyperparameters: { n_epochs: 3, learning_rate_multiplier: 0.5 } }) })).json();
    const key = uuidv7();
    const res = await call(a.member, { method: 'POST', url: `/ft-jobs/${original.id}/retarget`, payload: { provider: 'together', suffix: 'moved' }, idempotencyKey: key });
    expect(res.statusCode, res.body).toBe(201);
    const job = res.json();
    expect(res.headers.location).toBe(`/ft-jobs/${job.id}`);
    expect(job).toMatchObject({
      provider: 'together',
      dataset_id: datasetId,
      suffix: 'moved',
      retargeted_from: original.id,
      hyperparameters: { n_epochs: 3, learning_rate: 0.000005, training_type: 'lora' },
    });
    expect((await call(a.member, { url: `/ft-jobs/${job.id}` })).json().retargeted_from).toBe(original.id);
    expect((await call(a.member, { url: `/ft-jobs/${original.id}` })).json().retargeted_from).toBeNull();

    const replay = await call(a.member, { method: 'POST', url: `/ft-jobs/${original.id}/retarget`, payload: { provider: 'together', suffix: 'moved' }, idempotencyKey: key });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json().id).toBe(job.id);
    const rows = await ftm.database.db.selectFrom('ft_jobs').select('id').where('dataset_id', '=', datasetId).execute();
    expect(rows).toHaveLength(2);
  });

  it('answers problem+json: 400 for the same provider, 404 for an unknown job, 409 for a provider not configured here', async () => {
    const a = tenants[0]!;
    const datasetId = await seedDataset({ db: ftm.database.db, blobs }, a);
    const original = (await call(a.member, { method: 'POST', url: '/ft-jobs', payload: body(datasetId) })).json();
    const same = await call(a.member, { method: 'POST', url: `/ft-jobs/${original.id}/retarget`, payload: { provider: 'simulated' } });
    expect(same.statusCode).toBe(400);
    expect(same.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(same.json().errors).toEqual([expect.objectContaining({ path: 'provider' })]);
    const unknown = await call(a.member, { method: 'POST', url: `/ft-jobs/${uuidv7()}/retarget`, payload: { provider: 'together' } });
    expect(unknown.statusCode).toBe(404);
    const azure = await call(a.member, { method: 'POST', url: `/ft-jobs/${original.id}/retarget`, payload: { provider: 'azure_openai' } });
    expect(azure.statusCode).toBe(409);
    expect(azure.json().code).toBe('provider_not_configured');
    const rows = await ftm.database.db.selectFrom('ft_jobs').select('id').where('dataset_id', '=', datasetId).execute();
    expect(rows).toHaveLength(1);
  });
});

describe('provider webhooks', () => {
  const event = JSON.stringify({ object: 'event', id: 'evt_1', type: 'fine_tuning.job.succeeded', created_at: 1750287018, data: { id: 'ftjob-unknown' } });
  const sign = (payload: string, secret = WEBHOOK_SECRET) => {
    const id = `wh_${uuidv7()}`;
    const at = new Date();
    return { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(id, at, payload) };
  };

  it('acknowledges a correctly signed event without a bearer key', async () => {
    const res = await app.inject({ method: 'POST', url: '/provider-webhooks/openai', headers: sign(event), payload: event });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: true });
  });

  it('rejects a bad signature with a 400', async () => {
    const other = `whsec_${Buffer.from('some-other-secret-some-other-sec').toString('base64')}`;
    const res = await app.inject({ method: 'POST', url: '/provider-webhooks/openai', headers: sign(event, other), payload: event });
    expect(res.statusCode).toBe(400);
  });

  it("accepts deliveries signed the way OpenAI signs them, exactly when the openai package's own webhooks.unwrap does", async () => {
    const openai = new OpenAI({ apiKey: 'sk-test', baseURL: 'http://127.0.0.1:9/v1', webhookSecret: WEBHOOK_SECRET, organization: null, project: null });
    const payload = JSON.stringify({
      object: 'event',
      id: 'evt_685343a1381c819085d44c354e1b330e',
      type: 'fine_tuning.job.succeeded',
      created_at: Math.floor(Date.now() / 1000),
      data: { id: 'ftjob-abc123' },
    });
    // OpenAI sends Standard Webhooks: webhook-id `wh_…`, unix seconds, `v1,<base64 HMAC-SHA256>` over id.timestamp.body
    const signAt = (atSec: number, body: string) => {
      const id = `wh_${uuidv7().replaceAll('-', '')}`;
      return { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(atSec), 'webhook-signature': signStandardWebhook(id, atSec, body, [WEBHOOK_SECRET]) };
    };
    const now = Math.floor(Date.now() / 1000);
    const cases = [
      { name: 'signed now', headers: signAt(now, payload), body: payload },
      { name: 'body changed after signing', headers: signAt(now, payload), body: payload.replace('succeeded', 'failed') },
      { name: 'signed ten minutes ago', headers: signAt(now - 600, payload), body: payload },
      { name: 'signed ten minutes ahead', headers: signAt(now + 600, payload), body: payload },
    ];
    const outcomes = [];
    for (const c of cases) {
      const sdk = await openai.webhooks.unwrap(c.body, c.headers).then(
        () => 'accepted',
        () => 'rejected',
      );
      const res = await app.inject({ method: 'POST', url: '/provider-webhooks/openai', headers: c.headers, payload: c.body });
      outcomes.push({ name: c.name, sdk, route: res.statusCode === 200 ? 'accepted' : res.statusCode === 400 ? 'rejected' : res.statusCode });
    }
    expect(outcomes).toEqual([
      { name: 'signed now', sdk: 'accepted', route: 'accepted' },
      { name: 'body changed after signing', sdk: 'rejected', route: 'rejected' },
      { name: 'signed ten minutes ago', sdk: 'rejected', route: 'rejected' },
      { name: 'signed ten minutes ahead', sdk: 'rejected', route: 'rejected' },
    ]);
  });

  it('answers 404 for a provider without a webhook secret', async () => {
    const res = await app.inject({ method: 'POST', url: '/provider-webhooks/acme', headers: sign(event), payload: event });
    expect(res.statusCode).toBe(404);
  });
});
