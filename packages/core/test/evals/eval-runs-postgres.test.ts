/** The eval SQL (batched result inserts, version locking, eval_summary, result filters) on PostgreSQL too. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelVersion } from '../../src/registry/create-model-version.js';
import { createEvalsService, type EvalsService } from '../../src/evals/evals-service.js';
import { createPostgresTestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext, type TestServiceContext } from '@ftm/test-support/fixtures';
import { createEvalHarness, type EvalHarness } from './support/eval-harness.js';

let h: EvalHarness;
let evals: EvalsService;
let ctx: TestServiceContext;
beforeAll(async () => {
  h = await createEvalHarness(createPostgresTestDatabase);
  evals = createEvalsService(h.deps());
  ctx = testContext({ tenantId: (await seedTenant(h.testDb.database)).tenantId });
});
afterAll(async () => {
  await h.dispose();
});

describe('evals on PostgreSQL', () => {
  it('versions a suite, runs it on a registered version, filters results and records the score', async () => {
    const v1 = await evals.createSuite(ctx, {
      name: 'pg',
      cases: {
        type: 'inline',
        cases: [
          { input: { messages: [{ role: 'user', content: 'Where are the docs?' }] }, tags: ['docs'] },
          { input: { messages: [{ role: 'user', content: '2+2?' }] }, tags: ['math'], graders: [{ type: 'contains', values: ['4'] }] },
        ],
      },
      graders: [{ type: 'contains', values: ['documentation'] }],
      pass_threshold: 1,
    });
    const [a, b] = await Promise.all([evals.createSuiteVersion(ctx, v1.id, { pass_threshold: 0.5 }), evals.createSuiteVersion(ctx, v1.id, { pass_threshold: 0.6 })]);
    expect([a.version, b.version].sort()).toEqual([2, 3]);
    const version = await createModelVersion(h.testDb.database.db, ctx, { name: 'pg', provider: 'simulated', provider_model_id: 'gpt-4o-mini-2024-07-18', base_model: 'gpt-4o-mini-2024-07-18' });
    const run = await evals.createRun(ctx, { eval_suite_id: v1.id, model: { type: 'ft_model_version', value: version.id }, cost_cap_usd: 5 });
    await evals.runJob(ctx, { tenant_id: ctx.tenantId, eval_run_id: run.id }, { attempt: 1, maxAttempts: 1 });
    const done = await evals.getRun(ctx, run.id);
    expect(done).toMatchObject({ status: 'completed', cost_cap_usd: 5, metrics: { score: 0.5 } });
    expect((await evals.listRunResults(ctx, run.id, { passed: 'false', tag: 'math' })).data).toHaveLength(1);
    const row = await h.testDb.database.db.selectFrom('model_versions').select('eval_summary').where('id', '=', version.id).executeTakeFirstOrThrow();
    expect(row.eval_summary[v1.id]).toMatchObject({ eval_run_id: run.id, score: 0.5 });
  });
});
