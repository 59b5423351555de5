import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { createFtm, createFtmMetrics, FsBlobStore, LocalGovernanceEngine, metricValue, openQueue, uuidv7, type Ftm, type FtmMetrics } from '@ftm/core';
import { createPgliteTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext } from '@ftm/test-support/fixtures';
import { startReceiver, type TestReceiver } from '../../core/test/webhooks/support/receiver.js';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/http/logger.js';
import { startWorker } from '../src/runtime/start-worker.js';
import { ContractValidator } from './support/contract-validator.js';

let t: TestDatabase;
let ftm: Ftm;
let app: FastifyInstance;
let metrics: FtmMetrics;
let blobDir: string;
let tenantId: string;
let adminKey: string;
let memberKey: string;
let tokenApp: FastifyInstance;
const METRICS_TOKEN = 'metrics-token-0123456789abcdef0123456789abcdef';
const contract = new ContractValidator();

beforeAll(async () => {
  t = await createPgliteTestDatabase();
  blobDir = await mkdtemp(join(tmpdir(), 'ftm-metrics-test-'));
  // Members may not create datasets: a real governance denial to count.
  const governance = new LocalGovernanceEngine({
    version: 1,
    default: 'allow',
    rules: [{ id: 'no-member-datasets', actions: ['dataset.create'], effect: 'deny', when: { roles: ['member'] }, reason: 'admins build datasets' }],
  });
  metrics = createFtmMetrics();
  ftm = createFtm({
    database: t.database,
    blobs: new FsBlobStore({ root: blobDir }),
    queue: openQueue({ type: 'local', database: t.database }),
    datasets: { governance },
    // The receiver listens on loopback; outcomes go to this test's metrics as open-runtime wires the process's.
    webhooks: { settings: { allowPrivateDestinations: true }, onAttemptResult: (r) => metrics.webhookAttempts.inc({ outcome: r.kind }) },
  });
  app = await buildApp({ config: { corsOrigins: [], bodyLimitBytes: 1024 * 1024 }, ftm, logger: createLogger({ level: 'silent' }), metrics });
  await app.ready();
  tokenApp = await buildApp({ config: { corsOrigins: [], bodyLimitBytes: 1024 * 1024, metricsToken: METRICS_TOKEN }, ftm, logger: createLogger({ level: 'silent' }), metrics });
  ({ tenantId } = await seedTenant(ftm.database));
  const admin = testContext({ tenantId, role: 'admin' });
  adminKey = (await ftm.auth.createApiKey(admin, { name: 'admin', role: 'admin' })).secret;
  memberKey = (await ftm.auth.createApiKey(admin, { name: 'member', role: 'member' })).secret;
});
afterAll(async () => {
  await tokenApp?.close();
  await app?.close();
  await ftm?.close().catch(() => undefined);
  await t?.dispose();
  await rm(blobDir, { recursive: true, force: true });
});

function request(key: string | null, options: InjectOptions) {
  const headers: Record<string, string> = { ...(options.headers as Record<string, string> | undefined) };
  if (key) headers.authorization = `Bearer ${key}`;
  if (options.method === 'POST') headers['idempotency-key'] = uuidv7();
  return app.inject({ ...options, headers });
}

/** Scrapes /metrics and returns its sample lines by series (`name{labels}` → value). */
async function scrape(): Promise<Map<string, number>> {
  const res = await request(adminKey, { url: '/metrics' });
  expect(res.statusCode).toBe(200);
  expect(contract.check('GET', '/metrics', res)).toEqual([]);
  const samples = new Map<string, number>();
  for (const line of res.body.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

describe('GET /metrics', () => {
  it('refuses a scrape without a credential, as the contract says', async () => {
    const res = await request(null, { url: '/metrics' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(contract.check('GET', '/metrics', res)).toEqual([]);
  });

  it('without FTM_METRICS_TOKEN, accepts an admin API key and refuses a member key', async () => {
    expect((await request(adminKey, { url: '/metrics' })).statusCode).toBe(200);
    const member = await request(memberKey, { url: '/metrics' });
    expect(member.statusCode).toBe(403);
    expect(contract.check('GET', '/metrics', member)).toEqual([]);
  });

  it('with FTM_METRICS_TOKEN, accepts that token and no API key', async () => {
    const scrapeWith = (credential: string) => tokenApp.inject({ url: '/metrics', headers: { authorization: `Bearer ${credential}` } });
    const ok = await scrapeWith(METRICS_TOKEN);
    expect(ok.statusCode).toBe(200);
    expect(contract.check('GET', '/metrics', ok)).toEqual([]);
    expect((await scrapeWith(adminKey)).statusCode).toBe(401);
    expect((await scrapeWith(`${METRICS_TOKEN}x`)).statusCode).toBe(401);
    // The token is no API key either.
    expect((await tokenApp.inject({ url: '/projects', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).statusCode).toBe(401);
  });

  it('serves the Prometheus text format 0.0.4 with every FTM metric family and the process metrics', async () => {
    const res = await request(adminKey, { url: '/metrics' });
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    for (const [name, type] of [
      ['ftm_http_request_duration_seconds', 'histogram'],
      ['ftm_queue_jobs', 'gauge'],
      ['ftm_job_duration_seconds', 'histogram'],
      ['ftm_gate_denials_total', 'counter'],
      ['ftm_webhook_delivery_attempts_total', 'counter'],
      ['ftm_webhook_dead_letter_deliveries', 'gauge'],
      ['ftm_outbox_backlog_events', 'gauge'],
      ['ftm_outbox_oldest_undispatched_age_seconds', 'gauge'],
      ['ftm_provider_requests_total', 'counter'],
      ['ftm_dataset_build_duration_seconds', 'histogram'],
      ['ftm_eval_run_duration_seconds', 'histogram'],
      ['ftm_ft_job_cost_estimated_usd', 'gauge'],
      ['ftm_ft_job_cost_actual_usd', 'gauge'],
      ['nodejs_heap_size_used_bytes', 'gauge'],
      ['nodejs_eventloop_lag_p99_seconds', 'gauge'],
      ['nodejs_gc_duration_seconds', 'histogram'],
    ]) {
      expect(res.body).toContain(`# TYPE ${name} ${type}\n`);
    }
  });

  it('records request latency by route template, method and status', async () => {
    const missing = uuidv7();
    await request(memberKey, { url: `/model-versions/${missing}` });
    await request(memberKey, { url: `/model-versions/${missing}` });
    await request(memberKey, { url: '/projects' });
    const samples = await scrape();
    expect(samples.get('ftm_http_request_duration_seconds_count{route="/model-versions/:id",method="GET",status="404"}')).toBe(2);
    expect(samples.get('ftm_http_request_duration_seconds_bucket{le="+Inf",route="/model-versions/:id",method="GET",status="404"}')).toBe(2);
    expect(samples.get('ftm_http_request_duration_seconds_count{route="/projects",method="GET",status="200"}')).toBe(1);
    // no raw ids in labels: the route template keeps the series count bounded
    expect([...samples.keys()].some((k) => k.includes(missing))).toBe(false);
  });

  it('samples the queue depth when scraped', async () => {
    const before = (await scrape()).get('ftm_queue_jobs{state="waiting"}')!;
    await ftm.queue.enqueue('metrics.test.idle', { n: 1 });
    await ftm.queue.enqueue('metrics.test.idle', { n: 2 });
    const after = await scrape();
    expect(after.get('ftm_queue_jobs{state="waiting"}')).toBe(before + 2);
    expect(after.get('ftm_metrics_collector_up{collector="queue_depth"}')).toBe(1);
  });

  it('counts a 409 gate denial under the gate that denied it', async () => {
    const body = {
      name: 'd',
      format: 'jsonl_chat',
      source: {
        type: 'inline',
        records: [
          {
            messages: [
              { role: 'user', content: 'hi' },
              { role: 'assistant', content: 'hello' },
            ],
          },
        ],
      },
    };
    const denied = await request(memberKey, { method: 'POST', url: '/datasets', payload: body });
    expect(denied.statusCode).toBe(409);
    expect(denied.json().gates).toEqual([expect.objectContaining({ gate: 'governance', verdict: 'deny' })]);
    const samples = await scrape();
    expect(samples.get('ftm_gate_denials_total{gate="governance"}')).toBe(1);
    expect(samples.get('ftm_http_request_duration_seconds_count{route="/datasets",method="POST",status="409"}')).toBe(1);
  });
});

describe('worker metrics in the same process', () => {
  let receiver: TestReceiver;
  beforeAll(async () => {
    receiver = await startReceiver(() => ({ status: 204 }));
  });
  afterAll(async () => receiver?.close());

  it('records job durations by job name and webhook delivery outcomes from the worker runtime', async () => {
    await ftm.webhooks.createEndpoint(testContext({ tenantId, role: 'admin' }), { url: receiver.url, event_types: ['model_version.created'] });
    const config = loadConfig({ FTM_ENV: 'dev', FTM_DATA_DIR: blobDir });
    const worker = startWorker(ftm, config, metrics);
    try {
      const created = await request(memberKey, {
        method: 'POST',
        url: '/model-versions',
        payload: { name: 'metrics-bot', provider: 'openai', provider_model_id: `ft:gpt-4o-mini:acme::${uuidv7()}`, base_model: 'gpt-4o-mini' },
      });
      expect(created.statusCode).toBe(201);
      await vi.waitFor(async () => expect(await metricValue(metrics.webhookAttempts, { outcome: 'succeeded' })).toBe(1), { timeout: 20_000, interval: 100 });
    } finally {
      await worker.stop(5_000);
    }
    expect(receiver.requests).toHaveLength(1);
    const samples = await scrape();
    expect(samples.get('ftm_webhook_delivery_attempts_total{outcome="succeeded"}')).toBe(1);
    expect(samples.get('ftm_job_duration_seconds_count{job_name="outbox.dispatch",outcome="succeeded"}')).toBeGreaterThanOrEqual(1);
  });
});
