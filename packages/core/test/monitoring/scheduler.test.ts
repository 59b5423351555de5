import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.js';
import { ManualClock } from '../../src/shared/clock.js';
import { uuidv7 } from '../../src/shared/ids.js';
import { SchedulerLease } from '../../src/monitoring/scheduler-lease.js';
import { assessRegression } from '../../src/monitoring/regression.js';
import { nextCronRun } from '../../src/monitoring/cron-schedule.js';
import type { StartEvalRun } from '../../src/monitoring/monitoring-deps.js';
import { createEvalSuite } from '../../src/evals/create-eval-suite.js';
import { createEvalRun } from '../../src/evals/create-eval-run.js';
import { executeEvalRun } from '../../src/evals/execute-eval-run.js';
import type { EvalDeps } from '../../src/evals/eval-deps.js';
import { createModelRunnerRegistry } from '../../src/runners/runner-registry.js';
import { DEFAULT_INFERENCE_PRICES } from '../../src/runners/inference-prices.js';
import type { Completion, ModelRunner, RunnerModel } from '../../src/runners/model-runner.js';
import { LocalEmbedder } from '../../src/vectors/local-embedder.js';
import { LocalGovernanceEngine } from '../../src/governance/local-governance-engine.js';
import { BuiltinSanitizer } from '../../src/sanitization/builtin-sanitizer.js';
import { FsBlobStore } from '../../src/adapters/fs/fs-blob-store.js';
import { LocalQueue } from '../../src/adapters/local-queue/local-queue.js';
import { tmpdir } from 'node:os';
import { rm } from 'node:fs/promises';
import { createPgliteTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext, type TestServiceContext } from '@ftm/test-support/fixtures';
import { promotionKit, seedVersion, type PromotionKit } from '../promotions/support/promotion-kit.js';

let t: TestDatabase;
let db: Kysely<DB>;
let clock: ManualClock;
let kit: PromotionKit;
let ctx: TestServiceContext;
let queue: LocalQueue;
let evalDeps: EvalDeps;
let suiteId: string;
const blobRoot = `${tmpdir()}/ftm-scheduler-${uuidv7()}`;

/** The model provider, scripted: every model answers helpfully unless the test made it go bad. */
class ScriptedModel implements ModelRunner {
  readonly name = 'simulated';
  readonly bad = new Set<string>();
  async complete(model: RunnerModel): Promise<Completion> {
    const content = this.bad.has(model.id) ? 'No.' : 'Please see the documentation for the steps.';
    return { content, toolCalls: [], usage: { inputTokens: 10, outputTokens: 10 }, latencyMs: 1, model: model.id };
  }
}
const provider = new ScriptedModel();

/** The worker's part, done at once: the eval run is created and executed to its end. */
const startEvalRun: StartEvalRun = async (c, input) => {
  const run = await createEvalRun(evalDeps, c, input);
  await executeEvalRun(evalDeps, c, run.id, { attempt: 1, maxAttempts: 1 });
  return run;
};

beforeAll(async () => {
  t = await createPgliteTestDatabase();
  db = t.database.db;
  clock = new ManualClock('2026-05-01T10:00:00Z');
  kit = promotionKit({ db, clock, startEvalRun });
  const tenant = await seedTenant(db);
  ctx = testContext({ tenantId: tenant.tenantId, clock });
  queue = new LocalQueue(t.database);
  evalDeps = {
    db,
    blobs: new FsBlobStore({ root: blobRoot }),
    queue,
    governance: new LocalGovernanceEngine({ version: 1, default: 'allow', rules: [] }),
    sanitizer: new BuiltinSanitizer(),
    runners: createModelRunnerRegistry({ simulated: provider }),
    prices: DEFAULT_INFERENCE_PRICES,
    embedder: new LocalEmbedder(),
    vectorStore: null,
    engine: { sleep: async () => {} },
  };
  const cases = Array.from({ length: 12 }, (_, i) => ({ input: { messages: [{ role: 'user', content: `How do I do task ${i}?` }] } }));
  suiteId = (await createEvalSuite(evalDeps, ctx, { name: 'helpful', cases: { type: 'inline', cases }, graders: [{ type: 'contains', values: ['documentation'] }], pass_threshold: 1 })).id;
});
afterAll(async () => {
  await kit.service.close();
  await queue.close();
  await t.dispose();
  await rm(blobRoot, { recursive: true, force: true });
});

/** A version evaluated on the suite (by the real engine) and promoted to the assistant. */
async function promotedVersion(assistant: string): Promise<string> {
  const v = await seedVersion(db, ctx);
  await startEvalRun(ctx, { eval_suite_id: suiteId, model: { type: 'ft_model_version', value: v } });
  const p = await kit.service.createPromotion(ctx, { model_version_id: v, target: { type: 'assistant', value: assistant }, min_eval_score: 0, eval_suite_id: suiteId });
  expect(p.decision).toBe('promoted');
  return v;
}

/** The provider model id of a version, to script its answers. */
async function modelIdOf(versionId: string): Promise<string> {
  return (await db.selectFrom('model_versions').select('provider_model_id').where('id', '=', versionId).executeTakeFirstOrThrow()).provider_model_id;
}

describe('scheduler leadership', () => {
  it('lets one owner lead at a time, renews for the leader, and hands over on release or expiry', async () => {
    const lease = (owner: string) => new SchedulerLease({ db, name: `test-${uuidv7()}`, owner, ttlMs: 10_000, clock });
    const name = `lease-${uuidv7()}`;
    const a = new SchedulerLease({ db, name, owner: 'a', ttlMs: 10_000, clock });
    const b = new SchedulerLease({ db, name, owner: 'b', ttlMs: 10_000, clock });
    expect(await a.acquire()).toBe(true);
    expect(await b.acquire()).toBe(false);
    clock.advance(5_000);
    expect(await a.acquire()).toBe(true);
    expect(a.token).toBe(1);
    await a.release();
    expect(await b.acquire()).toBe(true);
    expect(b.token).toBe(2);
    clock.advance(11_000);
    expect(await a.acquire()).toBe(true);
    expect(a.token).toBe(3);
    expect(await lease('solo').acquire()).toBe(true);
  });

  it('works only on the leader: a second scheduler ticks idle', async () => {
    const one = kit.service.createScheduler({ owner: `one-${uuidv7()}` });
    const two = kit.service.createScheduler({ owner: `two-${uuidv7()}` });
    const first = await one.tick();
    const second = await two.tick();
    expect([first.leader, second.leader]).toEqual([true, false]);
    await one.stop();
    expect((await two.tick()).leader).toBe(true);
    await two.stop();
  });
});

describe('re-eval runs', () => {
  it('runs an immediate re-eval once, and the first run of a model without a baseline becomes it', async () => {
    const scheduler = kit.service.createScheduler({ owner: `s-${uuidv7()}` });
    const reEval = await kit.service.createReEval(ctx, {
      eval_suite_id: suiteId,
      model: { type: 'base_model', value: 'gpt-4o-mini' },
      schedule: { type: 'immediate' },
      policy: { max_score_drop: 0.05 },
    });
    expect(reEval.baseline).toBeNull();
    expect(await scheduler.tick()).toMatchObject({ started: 1, finished: 1 });
    expect(await scheduler.tick()).toMatchObject({ started: 0, finished: 0 });
    const done = await kit.service.getReEval(ctx, reEval.id);
    expect(done).toMatchObject({ next_run_at: null, last_run_at: expect.any(String), baseline: { score: 1 } });
    expect(done.runs).toEqual([expect.objectContaining({ detected: false, action_taken: 'none', regression: expect.objectContaining({ baseline_score: null, reasons: [] }) })]);
    expect((await kit.service.listReEvals(ctx, { status: 'completed' })).data.map((r) => r.id)).toContain(reEval.id);
    await scheduler.stop();
  });

  it('leaves a paused re-eval alone and resumes it at its next firing', async () => {
    const v = await promotedVersion(`paused-${uuidv7()}`);
    const scheduler = kit.service.createScheduler({ owner: `s-${uuidv7()}` });
    const reEval = await kit.service.createReEval(ctx, {
      eval_suite_id: suiteId,
      model: { type: 'ft_model_version', value: v },
      schedule: { type: 'cron', cron: '0 * * * *' },
      policy: { max_score_drop: 0.05 },
    });
    await kit.service.pauseReEval(ctx, reEval.id);
    clock.advance(2 * 3_600_000);
    await scheduler.tick();
    expect((await kit.service.getReEval(ctx, reEval.id)).runs).toHaveLength(0);
    const resumed = await kit.service.resumeReEval(ctx, reEval.id);
    expect(resumed.next_run_at).toBe(nextCronRun('0 * * * *', clock.now()).toISOString());
    clock.advance(3_600_000);
    await scheduler.tick();
    expect((await kit.service.getReEval(ctx, reEval.id)).runs).toHaveLength(1);
    await scheduler.stop();
  });

  it('reports a regression without moving anything when auto-rollback is off', async () => {
    const assistant = `watch-${uuidv7()}`;
    await promotedVersion(assistant);
    const v2 = await promotedVersion(assistant);
    const scheduler = kit.service.createScheduler({ owner: `s-${uuidv7()}` });
    const reEval = await kit.service.createReEval(ctx, {
      eval_suite_id: suiteId,
      target: { type: 'assistant', value: assistant },
      schedule: { type: 'immediate' },
      policy: { max_score_drop: 0.05, auto_rollback: false },
    });
    provider.bad.add(await modelIdOf(v2));
    await scheduler.tick();
    const run = (await kit.service.getReEval(ctx, reEval.id)).runs[0]!;
    expect(run).toMatchObject({ detected: true, action_taken: 'none', model_version_id: v2, regression: { reasons: ['score_drop'] } });
    expect((await kit.service.resolve(ctx, { assistant }))?.body.model_version_id).toBe(v2);
    const event = await db.selectFrom('outbox_events').select('payload').where('type', '=', 'regression.detected').where('resource_id', '=', reEval.id).executeTakeFirstOrThrow();
    expect(event.payload).toMatchObject({ re_eval_id: reEval.id, rolled_back: false, target: { type: 'assistant', value: assistant }, model_version_id: v2 });
    await scheduler.stop();
  });

  it('skips the rollback when the target has nothing to go back to', async () => {
    const assistant = `only-${uuidv7()}`;
    const v = await promotedVersion(assistant);
    const scheduler = kit.service.createScheduler({ owner: `s-${uuidv7()}` });
    const reEval = await kit.service.createReEval(ctx, {
      eval_suite_id: suiteId,
      target: { type: 'assistant', value: assistant },
      schedule: { type: 'immediate' },
      policy: { max_score_drop: 0.05, auto_rollback: true },
    });
    provider.bad.add(await modelIdOf(v));
    await scheduler.tick();
    expect((await kit.service.getReEval(ctx, reEval.id)).runs[0]).toMatchObject({ detected: true, action_taken: 'rollback_skipped' });
    expect((await kit.service.resolve(ctx, { assistant }))?.body.model_version_id).toBe(v);
    await scheduler.stop();
  });
});

describe('regression policy', () => {
  const base = { score: 0.8, baselineScore: 0.9, comparison: null, costUsd: 1, baselineCostUsd: 1, risk: null, baselineRisk: null };
  it('names each limit crossed', () => {
    const r = assessRegression({ ...base, costUsd: 1.5, risk: 0.3, baselineRisk: 0.1 }, { max_score_drop: 0.05, max_cost_increase_pct: 20, max_risk_increase: 0.1, auto_rollback: false });
    expect(r).toMatchObject({ score_delta: -0.1, cost_increase_pct: 50, risk_delta: 0.2, reasons: ['score_drop', 'cost_increase', 'risk_increase'] });
  });
  it('does not call a drop the comparison finds insignificant a regression', () => {
    const comparison = {
      score: 0.8,
      baseline_score: 0.9,
      delta: -0.1,
      pass_rate: 0.8,
      baseline_pass_rate: 0.9,
      confidence_interval: { level: 0.95, lower: -0.3, upper: 0.1 },
      significant: false,
      cost_usd_delta: 0,
      latency_p95_ms_delta: 0,
    };
    expect(assessRegression({ ...base, comparison }, { max_score_drop: 0.05, auto_rollback: true }).reasons).toEqual([]);
  });
});
