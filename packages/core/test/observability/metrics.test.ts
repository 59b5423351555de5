import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteTestDatabase, type TestDatabase } from '../support/databases.js';
import { seedTenant, testContext } from '../support/fixtures.js';
import { makeDeps, seedDataset } from '../ft-jobs/ft-job-test-kit.js';
import { MetricsRegistry } from '../../src/observability/metrics-registry.js';
import { countGateDenials, createFtmMetrics } from '../../src/observability/ftm-metrics.js';
import { sampleFtJobCosts, sampleQueueDepth } from '../../src/observability/sample-runtime-gauges.js';
import { openQueue } from '../../src/adapters/open-queue.js';
import { ManualClock } from '../../src/shared/clock.js';
import { createFtJob } from '../../src/ft-jobs/create-ft-job.js';
import { submitFtJob } from '../../src/ft-jobs/submit-ft-job.js';
import { pollFtJob } from '../../src/ft-jobs/poll-ft-job.js';
import { getFtJob } from '../../src/ft-jobs/get-ft-job.js';

describe('metrics registry text exposition (0.0.4)', () => {
  it('renders counters and gauges with HELP, TYPE and escaped label values', () => {
    const r = new MetricsRegistry();
    const c = r.counter('app_events_total', 'Events seen.\nBy kind \\ source.', ['kind']);
    const g = r.gauge('app_temperature', 'Current temperature.');
    c.inc({ kind: 'a"b\\c\nd' });
    c.inc({ kind: 'a"b\\c\nd' }, 2.5);
    g.set({}, -Infinity);
    expect(r.render()).toBe(
      [
        '# HELP app_events_total Events seen.\\nBy kind \\\\ source.',
        '# TYPE app_events_total counter',
        'app_events_total{kind="a\\"b\\\\c\\nd"} 3.5',
        '# HELP app_temperature Current temperature.',
        '# TYPE app_temperature gauge',
        'app_temperature -Inf',
        '',
      ].join('\n'),
    );
  });

  it('renders histograms as cumulative buckets ending in +Inf, then sum and count', () => {
    const r = new MetricsRegistry();
    const h = r.histogram('app_latency_seconds', 'Latency.', ['route'], [0.1, 1]);
    for (const v of [0.05, 0.1, 0.5, 3]) h.observe({ route: '/x' }, v);
    expect(r.render().split('\n')).toEqual([
      '# HELP app_latency_seconds Latency.',
      '# TYPE app_latency_seconds histogram',
      'app_latency_seconds_bucket{route="/x",le="0.1"} 2',
      'app_latency_seconds_bucket{route="/x",le="1"} 3',
      'app_latency_seconds_bucket{route="/x",le="+Inf"} 4',
      'app_latency_seconds_sum{route="/x"} 3.65',
      'app_latency_seconds_count{route="/x"} 4',
      '',
    ]);
  });

  it('records through a bound series exactly as through observe with the same labels', () => {
    const r = new MetricsRegistry();
    const h = r.histogram('app_latency_seconds', 'Latency.', ['route', 'status'], [0.1, 1]);
    const series = h.series({ route: '/x', status: 200 });
    for (const v of [0.05, 0.1, 0.5, 3, Number.NaN]) series.observe(v);
    h.observe({ route: '/x', status: 200 }, 0.2);
    expect(h.snapshot({ route: '/x', status: 200 })).toEqual({ count: 5, sum: 3.85 });
    expect(r.render()).toContain('app_latency_seconds_bucket{route="/x",status="200",le="1"} 4\n');
    expect(() => h.series({ route: '/x' })).toThrow(/takes the labels/);
  });

  it('refuses a decreasing counter, unknown or missing labels, bad names, unsorted buckets and duplicate families', () => {
    const r = new MetricsRegistry();
    const c = r.counter('x_total', 'x', ['a']);
    expect(() => c.inc({ a: '1' }, -1)).toThrow(RangeError);
    expect(() => c.inc({ b: '1' })).toThrow(/takes the labels \[a\]/);
    expect(() => c.inc({ a: '1', b: '2' })).toThrow(/takes the labels \[a\]/);
    expect(() => c.inc({})).toThrow(TypeError);
    expect(() => r.counter('x_total', 'again')).toThrow(/registered twice/);
    expect(() => r.gauge('1bad', 'x')).toThrow(/invalid metric name/);
    expect(() => r.gauge('ok', 'x', ['__reserved'])).toThrow(/invalid label name/);
    expect(() => r.histogram('h', 'x', ['le'], [1])).toThrow(/invalid label name/);
    expect(() => r.histogram('h2', 'x', [], [1, 1])).toThrow(/strictly increasing/);
  });

  it('counts a gate denial once per denying gate, not the gates that passed', () => {
    const m = createFtmMetrics();
    countGateDenials(m, [
      { gate: 'dataset_ready', verdict: 'pass' },
      { gate: 'governance', verdict: 'deny' },
      { gate: 'cost_approval', verdict: 'skipped' },
    ]);
    countGateDenials(m, []);
    expect(m.gateDenials.value({ gate: 'governance' })).toBe(1);
    expect(m.gateDenials.value({ gate: 'unknown' })).toBe(1);
    expect(m.registry.render()).not.toContain('gate="dataset_ready"');
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
    const m = createFtmMetrics();
    await queue.enqueue('metrics.sample', { n: 1 });
    await queue.enqueue('metrics.sample', { n: 2 });
    await queue.enqueue('metrics.sample', { n: 3 }, { delayMs: 60_000 });
    await sampleQueueDepth(m, queue);
    expect(m.queueJobs.value({ state: 'waiting' })).toBe(2);
    expect(m.queueJobs.value({ state: 'delayed' })).toBe(1);
    expect(m.collectorUp.value({ collector: 'queue_depth' })).toBe(1);
  });

  it('reports the queue collector down, with no stale depth, when the queue does not answer in time', async () => {
    const queue = openQueue({ type: 'local', database: t.database });
    const m = createFtmMetrics();
    await sampleQueueDepth(m, queue);
    expect(m.registry.render()).toContain('ftm_queue_jobs{state="waiting"}');
    // PGlite is single-session: while this transaction is open the queue's query cannot run.
    await t.database.db.transaction().execute(async () => {
      await sampleQueueDepth(m, queue, 50);
    });
    expect(m.collectorUp.value({ collector: 'queue_depth' })).toBe(0);
    expect(m.registry.render()).not.toContain('ftm_queue_jobs{');
  });

  it('sums the estimate and the actual cost of completed fine-tuning jobs by provider', async () => {
    const clock = new ManualClock('2026-06-01T00:00:00Z');
    const deps = await makeDeps({ db: t.database.db, clock });
    const tenant = await seedTenant(t.database);
    const ctx = testContext({ tenantId: tenant.tenantId, clock });
    const datasetId = await seedDataset(deps, tenant);
    const created = await createFtJob(deps, { ctx, input: { dataset_id: datasetId, base_model: 'gpt-4o-mini-2024-07-18', suffix: 'metrics' } });
    await submitFtJob(deps, { ctx, ftJobId: created.id });
    const m = createFtmMetrics();
    await sampleFtJobCosts(m, t.database.db);
    expect(m.registry.render()).not.toContain('ftm_ft_job_cost_actual_usd{'); // still running: not counted
    for (let i = 0; i < 30 && !(await pollFtJob(deps, { ctx, ftJobId: created.id })).terminal; i++) clock.advance(1_000);
    const done = await getFtJob(deps, { ctx, id: created.id });
    expect(done.status).toBe('completed');

    await sampleFtJobCosts(m, t.database.db);
    expect(m.ftJobsCosted.value({ provider: 'simulated' })).toBe(1);
    expect(m.ftJobCostEstimated.value({ provider: 'simulated' })).toBeCloseTo(done.estimated_cost_usd!, 6);
    expect(m.ftJobCostActual.value({ provider: 'simulated' })).toBeCloseTo(done.actual_cost_usd!, 6);
    expect(m.collectorUp.value({ collector: 'ft_job_costs' })).toBe(1);
  });
});
