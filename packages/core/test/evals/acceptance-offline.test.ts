/**
 * Acceptance, offline on the embedded default (PGlite, filesystem blobs, local queue, simulated
 * provider and runner): build a dataset, fine-tune on it, run the same suite on the base and the
 * fine-tuned model; the fine-tuned one scores higher and the comparison calls it significant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataset } from '../../src/datasets/create-dataset.js';
import { runDatasetBuildJob } from '../../src/datasets/build-dataset-job.js';
import type { DatasetDeps } from '../../src/datasets/dataset-deps.js';
import { createFineTuningService } from '../../src/ft-jobs/fine-tuning-service.js';
import { LocalGovernanceEngine } from '../../src/governance/local-governance-engine.js';
import { BuiltinSanitizer } from '../../src/sanitization/builtin-sanitizer.js';
import { ManualClock } from '../../src/shared/clock.js';
import { uuidv7Generator } from '../../src/shared/ids.js';
import { silentLogger } from '../../src/shared/logger.js';
import { createEvalsService } from '../../src/evals/evals-service.js';
import { seedTenant, testContext } from '@ftm/test-support/fixtures';
import { createEvalHarness, type EvalHarness } from './support/eval-harness.js';
import { RecordingQueue } from '../ft-jobs/ft-job-test-kit.js';

let h: EvalHarness;
beforeAll(async () => {
  h = await createEvalHarness();
});
afterAll(async () => {
  await h.dispose();
});

const PRODUCTS = [
  'kettle',
  'toaster',
  'blender',
  'lamp',
  'fan',
  'heater',
  'router',
  'speaker',
  'camera',
  'drone',
  'scooter',
  'printer',
  'monitor',
  'keyboard',
  'mouse',
  'charger',
  'tripod',
  'backpack',
  'jacket',
  'tent',
  'stove',
  'lantern',
  'kayak',
  'helmet',
];
const records = PRODUCTS.map((p, i) => ({
  messages: [
    { role: 'system', content: 'You are the Acme support assistant.' },
    { role: 'user', content: `What is the warranty on the Acme ${p}?` },
    { role: 'assistant', content: `The Acme ${p} has a ${i + 2}-year warranty; register it at acme.example/warranty within ${10 + i} days of purchase.` },
  ],
}));

describe('offline: a fine-tuned model beats its base on a suite from its own data', () => {
  it('builds, fine-tunes, evaluates both models and finds a significant improvement', async () => {
    const db = h.testDb.database.db;
    const clock = new ManualClock();
    const { tenantId } = await seedTenant(h.testDb.database);
    const ctx = testContext({ tenantId, clock, role: 'admin' });
    const governance = new LocalGovernanceEngine({ version: 1, default: 'allow', rules: [] });

    const datasetDeps: DatasetDeps = { db, blobs: h.blobs, queue: h.queue, governance, traces: null, sanitizer: new BuiltinSanitizer() };
    const dataset = await createDataset(datasetDeps, ctx, { name: 'acme-warranty', format: 'jsonl_chat', source: { type: 'inline', records }, dedup: { exact: true, near: false } });
    await runDatasetBuildJob(datasetDeps, ctx, { tenant_id: tenantId, dataset_id: dataset.id }, { attempt: 1, maxAttempts: 1 });

    // The test drives submit and poll itself, so fine-tuning's jobs are only recorded.
    const tuning = createFineTuningService(
      { db, queue: new RecordingQueue(), blobs: h.blobs, clock, ids: uuidv7Generator, logger: silentLogger, governance },
      { env: 'dev', simulatedTimings: { validatingMs: 1_000, queuedMs: 1_000, runningMs: 5_000 } },
    );
    const job = await tuning.createFtJob(ctx, { dataset_id: dataset.id, base_model: 'gpt-4o-mini-2024-07-18' });
    await tuning.submit(tenantId, job.id, 'req-submit');
    for (let i = 0; i < 20 && (await tuning.getFtJob(ctx, job.id)).status !== 'completed'; i++) {
      clock.advance(1_000);
      await tuning.poll(tenantId, job.id, `req-poll-${i}`);
    }
    const tuned = await tuning.getFtJob(ctx, job.id);
    expect(tuned.status).toBe('completed');
    const versionId = tuned.model_version_id!;
    expect(versionId).toEqual(expect.any(String));

    const evals = createEvalsService(h.deps());
    const suite = await evals.createSuite(ctx, {
      name: 'warranty answers',
      cases: { type: 'dataset', dataset_id: dataset.id, split: 'train' },
      graders: [{ type: 'string_similarity', threshold: 0.9, weight: 2 }, { type: 'contains', values: ['warranty'] }, { type: 'trism_safety' }],
      pass_threshold: 0.8,
    });
    expect(suite).toMatchObject({ case_count: PRODUCTS.length, source_dataset_id: dataset.id });

    const system = { ...ctx, actor: { type: 'system' as const, id: 'worker', role: 'admin' as const } };
    const base = await evals.createRun(ctx, { eval_suite_id: suite.id, model: { type: 'base_model', value: 'gpt-4o-mini-2024-07-18' } });
    const fine = await evals.createRun(ctx, { eval_suite_id: suite.id, model: { type: 'ft_model_version', value: versionId } });
    expect(fine.model_version_id).toBe(versionId);
    await evals.runJob(system, { tenant_id: tenantId, eval_run_id: base.id }, { attempt: 1, maxAttempts: 3 });
    await evals.runJob(system, { tenant_id: tenantId, eval_run_id: fine.id }, { attempt: 1, maxAttempts: 3 });

    const baseRun = await evals.getRun(ctx, base.id);
    const fineRun = await evals.getRun(ctx, fine.id);
    expect(baseRun.status).toBe('completed');
    expect(fineRun).toMatchObject({ status: 'completed', resolved_model: expect.stringMatching(/^ft:gpt-4o-mini-2024-07-18:/) });
    expect(fineRun.metrics!.score).toBeGreaterThan(baseRun.metrics!.score);
    expect(fineRun.metrics!.pass_rate).toBe(1);

    const comparison = await evals.compareRuns(ctx, fine.id, { baseline: base.id });
    expect(comparison.aggregate.delta).toBeGreaterThan(0);
    expect(comparison.aggregate.confidence_interval.lower).toBeGreaterThan(0);
    expect(comparison.aggregate.significant).toBe(true);
    expect(comparison.cases).toHaveLength(PRODUCTS.length);

    const version = await db.selectFrom('model_versions').select('eval_summary').where('id', '=', versionId).executeTakeFirstOrThrow();
    expect(version.eval_summary[suite.id]).toMatchObject({ eval_run_id: fine.id, score: fineRun.metrics!.score });
  });
});
