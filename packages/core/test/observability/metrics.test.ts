import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext } from '@ftm/test-support/fixtures';
import { makeDeps, seedDataset } from '../ft-jobs/ft-job-test-kit.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { countGateDenials, createFtmMetrics, metricValue } from '../../src/observability/ftm-metrics.js';
import { isProviderDependency, recordProviderCalls } from '../../src/observability/provider-calls.js';
import { sampleFtJobCosts, sampleOutbox, sampleQueueDepth, sampleQueueDepthByName, sampleWebhookDeadLetters } from '../../src/observability/sample-runtime-gauges.js';
import { HttpClient } from '../../src/shared/http-client.js';
import { openQueue } from '../../src/adapters/open-queue.js';
import { ManualClock } from '../../src/shared/clock.js';
import { uuidv7 } from '../../src/shared/ids.js';
import { createFtJob } from '../../src/ft-jobs/create-ft-job.js';
import { submitFtJob } from '../../src/ft-jobs/submit-ft-job.js';
import { pollFtJob } from '../../src/ft-jobs/poll-ft-job.js';
import { getFtJob } from '../../src/ft-jobs/get-ft-job.js';

describe('FTM metric families on prom-client', () => {
  it('renders the families with the names, types and labels FTM has always exported', async () => {
    const m = createFtmMetrics({ processMetrics: false });
    m.httpRequestDuration.labels({ route: '/x', method: 'GET', status: 200 }).observe(0.02);
    m.webhookAttempts.inc({ outcome: 'succeeded' });
    m.queueJobs.set({ state: 'waiting' }, 3);
    const text = await m.registry.metrics();
    expect(text).toContain('# TYPE ftm_http_request_duration_seconds histogram\n');
    expect(text).toContain('ftm_http_request_duration_seconds_bucket{le="0.025",route="/x",method="GET",status="200"} 1\n');
    expect(text).toContain('ftm_http_request_duration_seconds_count{route="/x",method="GET",status="200"} 1\n');
    expect(text).toContain('ftm_webhook_delivery_attempts_total{outcome="succeeded"} 1\n');
    expect(text).toContain('ftm_queue_jobs{state="waiting"} 3\n');
    expect(m.registry.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('adds the Node.js process metrics: heap, event loop lag, GC, CPU', async () => {
    const text = await createFtmMetrics().registry.metrics();
    for (const name of ['nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_gc_duration_seconds', 'process_cpu_seconds_total']) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  it('counts a gate denial once per denying gate, not the gates that passed', async () => {
    const m = createFtmMetrics({ processMetrics: false });
    countGateDenials(m, [
      { gate: 'dataset_ready', verdict: 'pass' },
      { gate: 'governance', verdict: 'deny' },
      { gate: 'cost_approval', verdict: 'skipped' },
    ]);
    countGateDenials(m, []);
    expect(await metricValue(m.gateDenials, { gate: 'governance' })).toBe(1);
    expect(await metricValue(m.gateDenials, { gate: 'unknown' })).toBe(1);
    expect(await m.registry.metrics()).not.toContain('gate="dataset_ready"');
  });
});

describe('provider calls', () => {
  let server: Server;
  let base = '';
  const answers: number[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const status = answers.shift() ?? 200;
      if (status === 0) return; // never answers: the client's timeout fires
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('counts every attempt of a provider call by provider and status, and no Orchestrator-family call', async () => {
    const m = createFtmMetrics({ processMetrics: false });
    const stop = recordProviderCalls(m);
    expect(recordProviderCalls(m)).toBeTypeOf('function'); // a second registration counts nothing twice
    try {
      const sleep = async () => undefined;
      const provider = new HttpClient({ name: 'together', baseUrl: base, sleep, timeoutMs: 300, retry: { maxAttempts: 3 } });
      answers.push(503, 200);
      await provider.request({ method: 'GET', path: '/v1/fine-tunes' });
      answers.push(400);
      await expect(provider.request({ method: 'POST', path: '/v1/fine-tunes', body: {} })).rejects.toThrow(/HTTP 400/);
      answers.push(0, 200);
      await provider.request({ method: 'GET', path: '/v1/files' });
      answers.push(200);
      await new HttpClient({ name: 'orchestrator', baseUrl: base, sleep }).request({ method: 'GET', path: '/v1/ping' });
      const dead = new HttpClient({ name: 'openai', baseUrl: 'http://127.0.0.1:1', sleep, retry: { maxAttempts: 1 } });
      await expect(dead.request({ method: 'GET', path: '/v1/models' })).rejects.toThrow();
    } finally {
      stop();
    }
    const text = await m.registry.metrics();
    const samples = text
      .split('\n')
      .filter((l) => l.startsWith('ftm_provider_requests_total{'))
      .sort();
    expect(samples).toEqual([
      'ftm_provider_requests_total{provider="openai",status="network_error"} 1',
      'ftm_provider_requests_total{provider="together",status="200"} 2',
      'ftm_provider_requests_total{provider="together",status="400"} 1',
      'ftm_provider_requests_total{provider="together",status="503"} 1',
      'ftm_provider_requests_total{provider="together",status="timeout"} 1',
    ]);
    expect(isProviderDependency('orchestrator')).toBe(false);
  });
});

describe('scrape-time samples', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createPgliteTestDatabase();
  });
  afterAll(async () => t?.dispose());

  it('samples the queue depth by state', async () => {
    const queue = openQueue({ type: 'local', database: t.database });
    const m = createFtmMetrics({ processMetrics: false });
    await queue.enqueue('metrics.sample', { n: 1 });
    await queue.enqueue('metrics.sample', { n: 2 });
    await queue.enqueue('metrics.sample', { n: 3 }, { delayMs: 60_000 });
    await sampleQueueDepth(m, queue);
    expect(await metricValue(m.queueJobs, { state: 'waiting' })).toBe(2);
    expect(await metricValue(m.queueJobs, { state: 'delayed' })).toBe(1);
    expect(await metricValue(m.collectorUp, { collector: 'queue_depth' })).toBe(1);
  });

  it('samples the depth and dead letters per job name, and reports a drained name as 0', async () => {
    const queue = openQueue({ type: 'local', database: t.database });
    const m = createFtmMetrics({ processMetrics: false });
    const seen = new Set<string>();
    await queue.enqueue('metrics.by-name.a', { n: 1 });
    await queue.enqueue('metrics.by-name.a', { n: 2 }, { delayMs: 60_000 });
    await queue.enqueue('metrics.by-name.b', { n: 3 });
    await sampleQueueDepthByName(m, queue, seen);
    expect(await metricValue(m.queueJobsByName, { job_name: 'metrics.by-name.a', state: 'waiting' })).toBe(1);
    expect(await metricValue(m.queueJobsByName, { job_name: 'metrics.by-name.a', state: 'delayed' })).toBe(1);
    expect(await metricValue(m.queueJobsByName, { job_name: 'metrics.by-name.b', state: 'waiting' })).toBe(1);
    expect(await metricValue(m.queueJobsByName, { job_name: 'metrics.by-name.b', state: 'dead_letter' })).toBe(0);
    await t.database.db.deleteFrom('job_queue').where('name', '=', 'metrics.by-name.b').execute();
    await sampleQueueDepthByName(m, queue, seen);
    expect(await m.registry.metrics()).toContain('ftm_queue_jobs_by_name{job_name="metrics.by-name.b",state="waiting"} 0\n');
    expect(await metricValue(m.collectorUp, { collector: 'queue_depth_by_name' })).toBe(1);
  });

  it('reports the queue collector down, with no stale depth, when the queue does not answer in time', async () => {
    const queue = openQueue({ type: 'local', database: t.database });
    const m = createFtmMetrics({ processMetrics: false });
    await sampleQueueDepth(m, queue);
    expect(await m.registry.metrics()).toContain('ftm_queue_jobs{state="waiting"}');
    // PGlite is single-session: while this transaction is open the queue's query cannot run.
    await t.database.db.transaction().execute(async () => {
      await sampleQueueDepth(m, queue, 50);
    });
    expect(await metricValue(m.collectorUp, { collector: 'queue_depth' })).toBe(0);
    expect(await m.registry.metrics()).not.toContain('ftm_queue_jobs{');
  });

  it('sums the estimate and the actual cost of completed fine-tuning jobs by provider', async () => {
    const clock = new ManualClock('2026-06-01T00:00:00Z');
    const deps = await makeDeps({ db: t.database.db, clock });
    const tenant = await seedTenant(t.database);
    const ctx = testContext({ tenantId: tenant.tenantId, clock });
    const datasetId = await seedDataset(deps, tenant);
    const created = await createFtJob(deps, ctx, { dataset_id: datasetId, base_model: 'gpt-4o-mini-2024-07-18', suffix: 'metrics' });
    await submitFtJob(deps, ctx, created.id);
    const m = createFtmMetrics({ processMetrics: false });
    await sampleFtJobCosts(m, t.database.db);
    expect(await m.registry.metrics()).not.toContain('ftm_ft_job_cost_actual_usd{'); // still running: not counted
    for (let i = 0; i < 30 && !(await pollFtJob(deps, ctx, created.id)).terminal; i++) clock.advance(1_000);
    const done = await getFtJob(deps, ctx, created.id);
    expect(done.status).toBe('completed');

    await sampleFtJobCosts(m, t.database.db);
    expect(await metricValue(m.ftJobsCosted, { provider: 'simulated' })).toBe(1);
    expect(await metricValue(m.ftJobCostEstimated, { provider: 'simulated' })).toBeCloseTo(done.estimated_cost_usd!, 6);
    expect(await metricValue(m.ftJobCostActual, { provider: 'simulated' })).toBeCloseTo(done.actual_cost_usd!, 6);
    expect(await metricValue(m.collectorUp, { collector: 'ft_job_costs' })).toBe(1);
  });

  it('samples the outbox backlog and the age of its oldest undispatched event', async () => {
    const db = t.database.db;
    const tenant = await seedTenant(t.database);
    // The fine-tuning case above left undispatched events; dispatch all but one of a new tenant's.
    await db.updateTable('outbox_events').set({ dispatched_at: new Date() }).where('dispatched_at', 'is', null).execute();
    const m = createFtmMetrics({ processMetrics: false });
    await sampleOutbox(m, db, new Date());
    expect([await metricValue(m.outboxBacklog), await metricValue(m.outboxOldestAge), await metricValue(m.collectorUp, { collector: 'outbox' })]).toEqual([0, 0, 1]);

    const occurredAt = new Date('2026-06-01T00:00:00Z');
    await db
      .insertInto('outbox_events')
      .values({ id: uuidv7(), tenant_id: tenant.tenantId, type: 'metrics.test', resource_type: 'test', resource_id: uuidv7(), payload: {}, occurred_at: occurredAt } as never)
      .execute();
    await sampleOutbox(m, db, new Date(occurredAt.getTime() + 90_000));
    expect([await metricValue(m.outboxBacklog), await metricValue(m.outboxOldestAge)]).toEqual([1, 90]);
  });

  it('samples the webhook dead letters of every tenant', async () => {
    const db = t.database.db;
    const m = createFtmMetrics({ processMetrics: false });
    await sampleWebhookDeadLetters(m, db);
    expect(await metricValue(m.webhookDeadLetters)).toBe(0);
    const tenant = await seedTenant(t.database);
    const endpointId = uuidv7();
    await db
      .insertInto('webhook_endpoints')
      .values({ id: endpointId, tenant_id: tenant.tenantId, url: 'https://receiver.example.com/hook', created_by: 'test' } as never)
      .execute();
    for (const status of ['dead_letter', 'pending']) {
      const eventId = uuidv7();
      await db
        .insertInto('outbox_events')
        .values({ id: eventId, tenant_id: tenant.tenantId, type: 'metrics.test', resource_type: 'test', payload: {}, dispatched_at: new Date() } as never)
        .execute();
      await db
        .insertInto('webhook_deliveries')
        .values({ id: uuidv7(), tenant_id: tenant.tenantId, endpoint_id: endpointId, event_id: eventId, event_type: 'metrics.test', status } as never)
        .execute();
    }
    await sampleWebhookDeadLetters(m, db);
    expect([await metricValue(m.webhookDeadLetters), await metricValue(m.collectorUp, { collector: 'webhook_dead_letters' })]).toEqual([1, 1]);
  });
});
