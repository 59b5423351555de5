/**
 * The whole lifecycle, offline on the embedded default (PGlite, filesystem blobs, local queue,
 * simulated provider and model, built-in TRiSM, local governance): dataset → fine-tune → eval →
 * promotion → resolve → a simulated regression → the scheduled re-eval detects it → auto-rollback
 * → resolve serves the previous model, and history shows every step.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/adapters/fs/fs-blob-store.js';
import { LocalQueue } from '../../src/adapters/local-queue/local-queue.js';
import { SimulatedRunner } from '../../src/adapters/simulated/simulated-runner.js';
import { createDataset } from '../../src/datasets/create-dataset.js';
import { runDatasetBuildJob } from '../../src/datasets/build-dataset-job.js';
import { createFtJob } from '../../src/ft-jobs/create-ft-job.js';
import { submitFtJob } from '../../src/ft-jobs/submit-ft-job.js';
import { pollFtJob } from '../../src/ft-jobs/poll-ft-job.js';
import { createEvalSuite } from '../../src/evals/create-eval-suite.js';
import { createEvalRun } from '../../src/evals/create-eval-run.js';
import { executeEvalRun } from '../../src/evals/execute-eval-run.js';
import { simulatedExampleLoader } from '../../src/evals/dataset-cases.js';
import type { EvalDeps } from '../../src/evals/eval-deps.js';
import { createModelRunnerRegistry } from '../../src/runners/runner-registry.js';
import { DEFAULT_INFERENCE_PRICES } from '../../src/runners/inference-prices.js';
import type { ModelRunner } from '../../src/runners/model-runner.js';
import { LocalEmbedder } from '../../src/vectors/local-embedder.js';
import { LocalGovernanceEngine } from '../../src/governance/local-governance-engine.js';
import { BuiltinSanitizer } from '../../src/sanitization/builtin-sanitizer.js';
import { createModelVersion } from '../../src/registry/create-model-version.js';
import { ManualClock } from '../../src/shared/clock.js';
import { uuidv7Generator } from '../../src/shared/ids.js';
import { silentLogger } from '../../src/shared/logger.js';
import { ApprovalHooks } from '../../src/approvals/approval-hooks.js';
import { InProcessPointerChangeBus } from '../../src/adapters/local/in-process-pointer-change-bus.js';
import { createPromotionsService, type PromotionsService } from '../../src/promotions-service.js';
import { createPgliteTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext, type TestServiceContext } from '@ftm/test-support/fixtures';
import { makeDeps } from '../ft-jobs/ft-job-test-kit.js';

/** The simulated model provider, able to go bad for chosen models (what a silent provider-side regression looks like). */
class DegradableRunner implements ModelRunner {
  readonly name = 'simulated';
  readonly degraded = new Set<string>();
  constructor(readonly inner: ModelRunner) {}
  async complete(...args: Parameters<ModelRunner['complete']>) {
    const answer = await this.inner.complete(...args);
    return this.degraded.has(args[0].id) ? { ...answer, content: 'Sorry, I cannot help with that today.' } : answer;
  }
}

const TOPICS = ['billing', 'email', 'vpn', 'printer', 'calendar', 'wiki', 'payroll', 'badge', 'laptop', 'phone', 'chat', 'backup'];
const records = TOPICS.map((topic) => ({
  messages: [
    { role: 'user', content: `How do I reset the ${topic} settings for my team?` },
    { role: 'assistant', content: `Open the ${topic} admin page, choose Team, then Reset ${topic} settings and confirm.` },
  ],
}));

let t: TestDatabase;
let root: string;
let queue: LocalQueue;
let service: PromotionsService;

afterAll(async () => {
  await service?.close();
  await queue?.close();
  await t?.dispose();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('promotion lifecycle on the embedded default', () => {
  let clock: ManualClock;
  let ctx: TestServiceContext;
  let runner: DegradableRunner;
  let evalDeps: EvalDeps;

  beforeAll(async () => {
    t = await createPgliteTestDatabase();
    root = await mkdtemp(join(tmpdir(), 'ftm-lifecycle-'));
    queue = new LocalQueue(t.database);
    clock = new ManualClock('2026-04-01T09:00:00Z');
    const tenant = await seedTenant(t.database);
    ctx = testContext({ tenantId: tenant.tenantId, clock });
  });

  it('ships a fine-tune, detects its regression on schedule, rolls back by itself, and keeps the history', async () => {
    const db = t.database.db;
    const blobs = new FsBlobStore({ root });
    const governance = new LocalGovernanceEngine({ version: 1, default: 'allow', rules: [] });
    const sanitizer = new BuiltinSanitizer();

    // 1. A dataset, built and sanitized.
    const datasetDeps = { db, blobs, queue, governance, traces: null, sanitizer };
    const dataset = await createDataset(datasetDeps, ctx, { name: 'team settings', format: 'jsonl_chat', source: { type: 'inline', records }, dedup: { near: false } });
    await runDatasetBuildJob(datasetDeps, ctx, { tenant_id: ctx.tenantId, dataset_id: dataset.id }, { attempt: 1, maxAttempts: 3 });
    expect(await db.selectFrom('datasets').select(['status', 'sanitized']).where('id', '=', dataset.id).executeTakeFirstOrThrow()).toEqual({ status: 'ready', sanitized: true });

    // 2. A fine-tune on the simulated provider → a candidate model version.
    const ftDeps = await makeDeps({ db, clock, blobRoot: root, timings: { validatingMs: 1_000, queuedMs: 1_000, runningMs: 5_000 } });
    const job = await createFtJob(ftDeps, ctx, { dataset_id: dataset.id, base_model: 'gpt-4o-mini-2024-07-18', suffix: 'settings', model_version_name: 'settings-ft' });
    await submitFtJob(ftDeps, ctx, job.id);
    for (let i = 0; i < 30; i++) {
      clock.advance(1_000);
      if ((await pollFtJob(ftDeps, ctx, job.id)).terminal) break;
    }
    const finished = await db.selectFrom('ft_jobs').select(['status', 'model_version_id']).where('id', '=', job.id).executeTakeFirstOrThrow();
    expect(finished.status).toBe('completed');
    const fineTuned = finished.model_version_id!;
    // What serves today: the base model, registered as a version.
    const base = (await createModelVersion(db, ctx, { name: 'base', provider: 'simulated', provider_model_id: 'gpt-4o-mini-2024-07-18', base_model: 'gpt-4o-mini-2024-07-18' })).id;

    // 3. Evals of both on a suite built from the same data.
    runner = new DegradableRunner(new SimulatedRunner({ examples: simulatedExampleLoader(db, blobs) }));
    evalDeps = {
      db,
      blobs,
      queue,
      governance,
      sanitizer,
      runners: createModelRunnerRegistry({ simulated: runner }),
      prices: DEFAULT_INFERENCE_PRICES,
      embedder: new LocalEmbedder(),
      vectorStore: null,
      engine: { sleep: async () => {} },
    };
    const suite = await createEvalSuite(evalDeps, ctx, {
      name: 'settings answers',
      cases: { type: 'dataset', dataset_id: dataset.id, split: 'train' },
      graders: [{ type: 'string_similarity', threshold: 0.8 }],
      pass_threshold: 0.8,
    });
    const evaluate = async (modelVersionId: string) => {
      const run = await createEvalRun(evalDeps, ctx, { eval_suite_id: suite.id, model: { type: 'ft_model_version', value: modelVersionId } });
      return (await executeEvalRun(evalDeps, ctx, run.id, { attempt: 1, maxAttempts: 3 }))!;
    };
    const baseRun = await evaluate(base);
    const ftRun = await evaluate(fineTuned);
    expect(ftRun.metrics!.score).toBeGreaterThan(baseRun.metrics!.score);

    // 4. Promotions: the base model first, then the fine-tune through every gate.
    service = createPromotionsService({
      db,
      governance,
      sanitizer,
      prism: null,
      bus: new InProcessPointerChangeBus(),
      approvalHooks: new ApprovalHooks(),
      clock,
      monitoring: {
        startEvalRun: (c, input) => createEvalRun(evalDeps, c, input),
        clock,
        ids: uuidv7Generator,
        logger: silentLogger,
      },
    });
    await service.start();
    const target = { type: 'assistant', value: 'settings-helper' } as const;
    const first = await service.createPromotion(ctx, { model_version_id: base, target, min_eval_score: 0, eval_suite_id: suite.id });
    expect(first.decision).toBe('promoted');
    const promotion = await service.createPromotion(ctx, {
      model_version_id: fineTuned,
      target,
      min_eval_score: 0.8,
      eval_suite_id: suite.id,
      max_regression: 0.02,
      notes: 'fine-tune beats base on settings answers',
    });
    expect(promotion.decision).toBe('promoted');
    expect(promotion.gates.every((g) => g.verdict === 'pass' || (g.gate === 'approval' && g.verdict === 'skipped'))).toBe(true);
    expect(promotion.baseline).toMatchObject({ eval_run_id: ftRun.id, score: ftRun.metrics!.score });
    expect((await service.resolve(ctx, { assistant: target.value }))?.body).toMatchObject({ model_version_id: fineTuned, version: 2 });

    // 5. Monitoring every 30 minutes with auto-rollback, then the provider's model goes bad.
    const reEval = await service.createReEval(ctx, { eval_suite_id: suite.id, target, schedule: { type: 'cron', cron: '*/30 * * * *' }, policy: { max_score_drop: 0.1, auto_rollback: true } });
    expect(reEval.baseline).toMatchObject({ model_version_id: fineTuned, eval_run_id: ftRun.id });
    const scheduler = service.createScheduler({ owner: 'worker-1' });
    expect(await scheduler.tick()).toEqual({ leader: true, started: 0, finished: 0, warned: 0 });
    const ftModelId = (await db.selectFrom('model_versions').select('provider_model_id').where('id', '=', fineTuned).executeTakeFirstOrThrow()).provider_model_id;
    runner.degraded.add(ftModelId);

    // 6. The cron fires: the scheduler starts an eval run of whatever the target serves…
    clock.advance(31 * 60_000);
    expect(await scheduler.tick()).toMatchObject({ leader: true, started: 1 });
    const run = await db.selectFrom('re_eval_runs').selectAll().where('re_eval_id', '=', reEval.id).executeTakeFirstOrThrow();
    expect(run).toMatchObject({ model_version_id: fineTuned, completed_at: null });
    // …the worker executes it (the eval.run job)…
    await executeEvalRun(evalDeps, ctx, run.eval_run_id!, { attempt: 1, maxAttempts: 3 });
    // …and the next tick judges it: a regression, rolled back.
    expect(await scheduler.tick()).toMatchObject({ leader: true, finished: 1 });

    const judged = await service.getReEval(ctx, reEval.id);
    expect(judged.runs).toHaveLength(1);
    expect(judged.runs[0]).toMatchObject({ detected: true, action_taken: 'rolled_back', model_version_id: fineTuned, regression: { reasons: ['score_drop'], significant: true } });
    expect(judged.runs[0]!.regression!.score_delta!).toBeLessThan(-0.1);
    expect((await service.resolve(ctx, { assistant: target.value }))?.body).toMatchObject({ model_version_id: base, version: 3 });

    const history = await service.listPointerHistory(ctx, promotion.pointer_id!, {});
    expect(history.data.map((h) => [h.seq, h.cause, h.from_model_version_id, h.to_model_version_id])).toEqual([
      [3, 'auto_rollback', fineTuned, base],
      [2, 'promotion', base, fineTuned],
      [1, 'promotion', null, base],
    ]);
    expect(history.data[0]).toMatchObject({ actor: 'system:ftm-monitor', promotion_id: promotion.id, notes: expect.stringContaining('score_drop') });
    expect((await service.getPromotion(ctx, promotion.id)).rolled_back_at).toEqual(expect.any(String));
    const statuses = await db.selectFrom('model_versions').select(['id', 'status']).where('id', 'in', [base, fineTuned]).execute();
    expect(Object.fromEntries(statuses.map((s) => [s.id, s.status]))).toEqual({ [base]: 'production', [fineTuned]: 'approved' });
    const events = await db
      .selectFrom('outbox_events')
      .select('type')
      .where('tenant_id', '=', ctx.tenantId)
      .where('type', 'in', ['model.promoted', 'regression.detected', 'model.rolled_back'])
      .orderBy('seq')
      .execute();
    expect(events.map((e) => e.type)).toEqual(['model.promoted', 'model.promoted', 'model.rolled_back', 'regression.detected']);

    // The next firing evaluates what serves now (the base), which is its own promotion's baseline: no regression.
    clock.advance(30 * 60_000);
    await scheduler.tick();
    const next = await db.selectFrom('re_eval_runs').selectAll().where('re_eval_id', '=', reEval.id).where('completed_at', 'is', null).executeTakeFirstOrThrow();
    expect(next.model_version_id).toBe(base);
    await executeEvalRun(evalDeps, ctx, next.eval_run_id!, { attempt: 1, maxAttempts: 3 });
    await scheduler.tick();
    const latest = (await service.getReEval(ctx, reEval.id)).runs[0]!;
    expect(latest).toMatchObject({ detected: false, action_taken: 'none', model_version_id: base });
    await scheduler.stop();
  });
});
