import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, DependencyUnavailableError, GateDeniedError, InvalidTransitionError, NotFoundError, ValidationError } from '../../src/shared/errors.js';
import { createModelVersion } from '../../src/registry/create-model-version.js';
import { SimulatedRunner } from '../../src/adapters/simulated/simulated-runner.js';
import { createEvalSuite } from '../../src/evals/create-eval-suite.js';
import { createEvalSuiteVersion } from '../../src/evals/create-eval-suite-version.js';
import { getEvalSuite, listEvalSuiteCases } from '../../src/evals/get-eval-suite.js';
import { listEvalSuites } from '../../src/evals/list-eval-suites.js';
import { createEvalRun } from '../../src/evals/create-eval-run.js';
import { getEvalRun, listEvalRuns } from '../../src/evals/get-eval-run.js';
import { cancelEvalRun } from '../../src/evals/cancel-eval-run.js';
import { executeEvalRun, EvalRunInterruptedError } from '../../src/evals/execute-eval-run.js';
import { listEvalRunResults } from '../../src/evals/list-eval-run-results.js';
import { compareEvalRuns } from '../../src/evals/compare-eval-runs.js';
import { resultsBlobKey } from '../../src/evals/finish-eval-run.js';
import type { EvalDeps } from '../../src/evals/eval-deps.js';
import { seedTenant, testContext, type TestServiceContext } from '@ftm/test-support/fixtures';
import { CountingRunner, createEvalHarness, type EvalHarness } from './support/eval-harness.js';

let h: EvalHarness;
let deps: EvalDeps;
let ctx: TestServiceContext;
let other: TestServiceContext;

beforeAll(async () => {
  h = await createEvalHarness();
  deps = h.deps();
  const t = await seedTenant(h.testDb.database);
  const o = await seedTenant(h.testDb.database);
  ctx = testContext({ tenantId: t.tenantId });
  other = testContext({ tenantId: o.tenantId });
});
afterAll(async () => {
  await h.dispose();
});

const BASE = { type: 'base_model', value: 'gpt-4o-2024-08-06' } as const;
const ask = (q: string) => ({ messages: [{ role: 'user', content: q }] });

/** A suite of `n` identical cases (identical cost) graded by contains "documentation". */
function uniformSuite(n: number, extra: Record<string, unknown> = {}) {
  return {
    name: `uniform-${n}`,
    cases: { type: 'inline', cases: Array.from({ length: n }, () => ({ input: ask('How do I rotate my API key?'), tags: ['keys'] })) },
    graders: [{ type: 'contains', values: ['documentation'] }],
    pass_threshold: 1,
    ...extra,
  };
}

/** Event types of a resource, in order. */
async function eventTypes(resourceId: string): Promise<string[]> {
  const rows = await h.testDb.database.db.selectFrom('outbox_events').select(['type']).where('resource_id', '=', resourceId).orderBy('seq').execute();
  return rows.map((r) => r.type);
}

/** Audit actions of a resource, in order. */
async function auditActions(resourceId: string): Promise<string[]> {
  const rows = await h.testDb.database.db.selectFrom('audit_events').select(['action']).where('resource_id', '=', resourceId).orderBy('occurred_at').orderBy('id').execute();
  return rows.map((r) => r.action);
}

describe('eval suites', () => {
  it('creates version 1 with its cases, event and audit row', async () => {
    const suite = await createEvalSuite(deps, ctx, {
      name: 'support',
      cases: {
        type: 'inline',
        cases: [
          { input: ask('a?'), expected_output: 'A', tags: ['t1'] },
          { input: ask('b?'), expected_output: 'B' },
        ],
      },
      graders: [{ type: 'exact_match', normalize: { case_insensitive: true } }],
      pass_threshold: 1,
    });
    expect(suite).toMatchObject({ version: 1, suite_group_id: suite.id, parent_suite_id: null, case_count: 2, selection_strategy: { type: 'static' } });
    expect(suite.graders[0]).toMatchObject({ type: 'exact_match', weight: 1 });
    expect(await getEvalSuite(h.testDb.database.db, ctx, suite.id)).toEqual(suite);
    const cases = await listEvalSuiteCases(h.testDb.database.db, ctx, suite.id, { limit: '1' });
    expect(cases.data[0]).toMatchObject({ position: 0, expected_output: 'A', tags: ['t1'], graders: [] });
    const next = await listEvalSuiteCases(h.testDb.database.db, ctx, suite.id, { cursor: cases.next_cursor! });
    expect(next.data.map((c) => c.position)).toEqual([1]);
    expect(await eventTypes(suite.id)).toEqual(['eval_suite.created']);
    expect(await auditActions(suite.id)).toEqual(['eval_suite.create']);
  });

  it('makes a new version instead of editing, copying what is omitted', async () => {
    const v1 = await createEvalSuite(deps, ctx, {
      name: 'versioned',
      cases: { type: 'inline', cases: [{ input: ask('x?'), expected_output: 'x' }] },
      graders: [{ type: 'exact_match' }],
      pass_threshold: 1,
    });
    const v2 = await createEvalSuiteVersion(deps, ctx, v1.id, { pass_threshold: 0.5 });
    const v3 = await createEvalSuiteVersion(deps, ctx, v1.id, { graders: [{ type: 'contains', values: ['x'] }] });
    expect(v2).toMatchObject({ version: 2, parent_suite_id: v1.id, suite_group_id: v1.id, pass_threshold: 0.5, case_count: 1 });
    expect(v3).toMatchObject({ version: 3, parent_suite_id: v1.id, pass_threshold: 1 });
    expect((await getEvalSuite(h.testDb.database.db, ctx, v1.id)).pass_threshold).toBe(1);
    const page = await listEvalSuites(h.testDb.database.db, ctx, { suite_group_id: v1.id });
    expect(page.data.map((s) => s.version)).toEqual([3, 2, 1]);
  });

  it.each([
    ['an unknown grader', { graders: [{ type: 'vibes' }] }, 'graders.0.type'],
    ['an invalid regex', { graders: [{ type: 'regex', pattern: '(' }] }, 'graders.0.pattern'],
    ['an invalid JSON schema', { graders: [{ type: 'json_schema', schema: { type: 12 } }] }, 'graders.0.schema'],
    ['an empty suite', { cases: { type: 'inline', cases: [] } }, 'cases.cases'],
    ['no graders', { graders: [] }, 'graders'],
    ['a case without the expected output its grader needs', { graders: [{ type: 'exact_match' }], cases: { type: 'inline', cases: [{ input: ask('q') }] } }, 'cases.cases.0.expected_output'],
    ['duplicate grader names', { graders: [{ type: 'json_valid' }, { type: 'json_valid' }] }, 'graders.1.name'],
  ])('refuses %s with a field error', async (_what, patch, path) => {
    const error = await createEvalSuite(deps, ctx, { ...uniformSuite(1), ...patch }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldErrors.map((f) => f.path)).toContain(path);
  });

  it("does not show another tenant's suite", async () => {
    const suite = await createEvalSuite(deps, ctx, uniformSuite(1));
    await expect(getEvalSuite(h.testDb.database.db, other, suite.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('eval runs', () => {
  it('runs a suite on a base model: metrics, per-case results, blob, event and audit', async () => {
    const suite = await createEvalSuite(deps, ctx, {
      name: 'mixed',
      cases: {
        type: 'inline',
        cases: [
          { input: ask('Where are the docs?'), tags: ['docs'] },
          { input: ask('Is there documentation?'), tags: ['docs', 'faq'] },
          { input: ask('What is 2+2?'), tags: ['math'], graders: [{ type: 'contains', values: ['4'] }] },
        ],
      },
      graders: [
        { type: 'contains', values: ['documentation'] },
        { type: 'latency_ceiling', max_ms: 1000, weight: 0 },
      ],
      pass_threshold: 1,
    });
    const queued = await createEvalRun(deps, ctx, { eval_suite_id: suite.id, model: BASE, params: { temperature: 0 } });
    expect(queued).toMatchObject({ status: 'queued', progress: { cases_total: 3, cases_done: 0 }, metrics: null, params: { temperature: 0 }, resolved_model: null });
    const run = await executeEvalRun(deps, ctx, queued.id, { attempt: 1, maxAttempts: 3 });
    expect(run).toMatchObject({ status: 'completed', stop_reason: null, resolved_model: BASE.value, progress: { cases_total: 3, cases_done: 3, cases_failed: 0 } });
    const m = run!.metrics!;
    expect(m.score).toBeCloseTo(2 / 3, 6);
    expect(m.pass_rate).toBeCloseTo(2 / 3, 6);
    expect(m.per_grader.contains).toEqual({ score: expect.closeTo(2 / 3, 6), pass_rate: expect.closeTo(2 / 3, 6) });
    expect(m.per_tag).toEqual({ docs: { score: 1, pass_rate: 1, cases: 2 }, faq: { score: 1, pass_rate: 1, cases: 1 }, math: { score: 0, pass_rate: 0, cases: 1 } });
    expect(m.tokens.total).toBe(m.tokens.input + m.tokens.output);
    expect(m.cost_usd).toBeGreaterThan(0);
    expect(run!.cost_usd).toBeCloseTo(m.cost_usd, 6);

    const failed = await listEvalRunResults(h.testDb.database.db, ctx, run!.id, { passed: 'false' });
    expect(failed.data).toHaveLength(1);
    expect(failed.data[0]).toMatchObject({ position: 2, tags: ['math'], passed: false, error: null });
    expect(failed.data[0]!.graders.find((g) => g.grader === 'contains')!.reason).toContain('"4"');
    const page1 = await listEvalRunResults(h.testDb.database.db, ctx, run!.id, { limit: 2 });
    const page2 = await listEvalRunResults(h.testDb.database.db, ctx, run!.id, { limit: 2, cursor: page1.next_cursor });
    expect([...page1.data, ...page2.data].map((r) => r.position)).toEqual([0, 1, 2]);
    expect((await listEvalRunResults(h.testDb.database.db, ctx, run!.id, { tag: 'faq' })).data.map((r) => r.position)).toEqual([1]);

    const blob = await h.blobs.get(resultsBlobKey(ctx.tenantId, run!.id));
    const lines: string[] = [];
    for await (const chunk of blob) lines.push(chunk.toString());
    expect(lines.join('').trim().split('\n')).toHaveLength(3);
    expect(await eventTypes(run!.id)).toEqual(['eval_run.created', 'eval_run.started', 'eval.completed']);
    expect(await auditActions(run!.id)).toEqual(['eval_run.create', 'eval_run.start', 'eval_run.complete']);
    expect((await listEvalRuns(h.testDb.database.db, ctx, { eval_suite_id: suite.id, status: 'completed' })).data.map((r) => r.id)).toEqual([run!.id]);
  });

  it("refuses a model ref to another tenant's version as not found", async () => {
    const suite = await createEvalSuite(deps, ctx, uniformSuite(1));
    const theirs = await createModelVersion(h.testDb.database.db, other, {
      name: 'theirs',
      provider: 'simulated',
      provider_model_id: 'ft:gpt-4o-mini-2024-07-18:o::x',
      base_model: 'gpt-4o-mini-2024-07-18',
    });
    await expect(createEvalRun(deps, ctx, { eval_suite_id: suite.id, model: { type: 'ft_model_version', value: theirs.id } })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('passes the governance gate eval.run only for suites with a policy profile', async () => {
    const denying = h.deps({ policy: { version: 1, default: 'allow', rules: [{ id: 'no-evals', actions: ['eval.run'], effect: 'deny', when: {}, reason: 'evals are frozen' }] } });
    const plain = await createEvalSuite(denying, ctx, uniformSuite(1));
    await expect(createEvalRun(denying, ctx, { eval_suite_id: plain.id, model: BASE })).resolves.toMatchObject({ governance_decision_id: null });
    const governed = await createEvalSuite(denying, ctx, uniformSuite(1, { policy_profile: 'strict' }));
    const error = await createEvalRun(denying, ctx, { eval_suite_id: governed.id, model: BASE }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GateDeniedError);
    expect((error as GateDeniedError).gates[0]).toMatchObject({ gate: 'governance', verdict: 'deny', reason: expect.stringContaining('evals are frozen') });
    const allowed = await createEvalRun(deps, ctx, { eval_suite_id: governed.id, model: BASE });
    expect(allowed.governance_decision_id).toEqual(expect.any(String));
  });

  it('retries transient model failures and still finishes every case', async () => {
    const flaky = h.deps({ simulated: { transientFailures: 2 } });
    const suite = await createEvalSuite(flaky, ctx, uniformSuite(3));
    const run = await createEvalRun(flaky, ctx, { eval_suite_id: suite.id, model: BASE, concurrency: 1 });
    const done = await executeEvalRun(flaky, ctx, run.id, { attempt: 1, maxAttempts: 3 });
    expect(done).toMatchObject({ status: 'completed', progress: { cases_done: 3, cases_failed: 0 } });
  });

  it('records a case whose model keeps failing as failed, with the reason', async () => {
    let calls = 0;
    // The first case's model call keeps failing; the second one answers.
    const runner = new CountingRunner(new SimulatedRunner({ examples: async () => [] }), () => {
      calls += 1;
      if (calls <= 3) throw new DependencyUnavailableError('simulated', 'simulated model is unavailable');
    });
    const down = h.deps({ runner });
    const suite = await createEvalSuite(down, ctx, uniformSuite(2));
    const run = await createEvalRun(down, ctx, { eval_suite_id: suite.id, model: BASE, concurrency: 1 });
    const done = await executeEvalRun(down, ctx, run.id, { attempt: 1, maxAttempts: 3 });
    expect(done).toMatchObject({ status: 'completed', progress: { cases_done: 2, cases_failed: 1 } });
    const results = (await listEvalRunResults(h.testDb.database.db, ctx, run.id, {})).data;
    expect(results.map((r) => r.error)).toEqual(expect.arrayContaining([null, expect.stringMatching(/unavailable/)]));
  });

  it('ends a run whose every case failed as failed, with a run-level reason, not completed with score 0', async () => {
    const down = h.deps({ simulated: { transientFailures: 100 } });
    const suite = await createEvalSuite(down, ctx, uniformSuite(2));
    const run = await createEvalRun(down, ctx, { eval_suite_id: suite.id, model: BASE });
    const done = await executeEvalRun(down, ctx, run.id, { attempt: 1, maxAttempts: 3 });
    expect(done).toMatchObject({
      status: 'failed',
      progress: { cases_done: 2, cases_failed: 2 },
      error: { code: 'all_cases_failed', message: expect.stringMatching(/every case failed.*unavailable/) },
    });
    expect(await eventTypes(run.id)).toEqual(['eval_run.created', 'eval_run.started', 'eval.completed']);
    const [result] = (await listEvalRunResults(h.testDb.database.db, ctx, run.id, {})).data;
    expect(result!.error).toMatch(/unavailable/);
  });

  it('runs a base_model ref on the provider it names, and refuses a provider without a runner', async () => {
    const suite = await createEvalSuite(deps, ctx, uniformSuite(1));
    const queued = await createEvalRun(deps, ctx, { eval_suite_id: suite.id, model: { ...BASE, provider: 'simulated' } });
    expect(queued.model).toEqual({ ...BASE, provider: 'simulated' });
    const error = await createEvalRun(deps, ctx, { eval_suite_id: suite.id, model: { ...BASE, provider: 'together' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldErrors).toEqual([{ path: 'model.provider', message: expect.stringContaining('simulated') }]);
  });

  describe('cost cap', () => {
    let caseCost: number;
    let suiteId: string;
    beforeAll(async () => {
      const suite = await createEvalSuite(deps, ctx, uniformSuite(20));
      suiteId = suite.id;
      const probe = await createEvalRun(deps, ctx, { eval_suite_id: suite.id, model: BASE });
      const done = await executeEvalRun(deps, ctx, probe.id, { attempt: 1, maxAttempts: 1 });
      caseCost = done!.cost_usd / 20;
      expect(caseCost).toBeGreaterThan(0);
    });

    it('stops a run whose cap allows half the cases there, and says why', async () => {
      const run = await createEvalRun(deps, ctx, { eval_suite_id: suiteId, model: BASE, concurrency: 1, cost_cap_usd: Number((caseCost * 10).toFixed(6)) });
      const done = await executeEvalRun(deps, ctx, run.id, { attempt: 1, maxAttempts: 1 });
      expect(done).toMatchObject({ status: 'stopped', stop_reason: 'cost_cap', progress: { cases_total: 20, cases_done: 10 } });
      expect(done!.metrics).toMatchObject({ pass_rate: 1 });
      expect(done!.cost_usd).toBeLessThanOrEqual(done!.cost_cap_usd! + 1e-9);
      expect(await eventTypes(run.id)).toContain('eval.completed');
    });

    it('never exceeds the cap by more than one in-flight case per concurrency slot', async () => {
      const cap = Number((caseCost * 6.5).toFixed(6));
      const run = await createEvalRun(deps, ctx, { eval_suite_id: suiteId, model: BASE, concurrency: 4, cost_cap_usd: cap });
      const done = await executeEvalRun(deps, ctx, run.id, { attempt: 1, maxAttempts: 1 });
      expect(done!.status).toBe('stopped');
      expect(done!.progress.cases_done).toBeLessThan(20);
      expect(done!.cost_usd).toBeLessThanOrEqual(cap + 4 * caseCost + 1e-9);
    });
  });

  it('resumes after a worker dies mid-run without re-running or re-billing finished cases', async () => {
    const controller = new AbortController();
    const first = new CountingRunner(new SimulatedRunner({ examples: async () => [] }), (n) => n === 5 && controller.abort(new Error('worker killed')));
    const killed = h.deps({ runner: first });
    const suite = await createEvalSuite(killed, ctx, uniformSuite(12));
    const run = await createEvalRun(killed, ctx, { eval_suite_id: suite.id, model: BASE, concurrency: 2 });
    await expect(executeEvalRun(killed, ctx, run.id, { attempt: 1, maxAttempts: 3, signal: controller.signal })).rejects.toBeInstanceOf(EvalRunInterruptedError);
    const midway = await getEvalRun(h.testDb.database.db, ctx, run.id);
    expect(midway.status).toBe('running');
    const finishedBefore = midway.progress.cases_done;
    expect(finishedBefore).toBeGreaterThan(0);
    expect(finishedBefore).toBeLessThan(12);

    const second = new CountingRunner(new SimulatedRunner({ examples: async () => [] }));
    const done = await executeEvalRun(h.deps({ runner: second }), ctx, run.id, { attempt: 2, maxAttempts: 3 });
    expect(second.calls).toBe(12 - finishedBefore);
    expect(done).toMatchObject({ status: 'completed', progress: { cases_done: 12 } });
    const results = await h.testDb.database.db.selectFrom('eval_case_results').select(['case_id', 'cost_usd']).where('eval_run_id', '=', run.id).execute();
    expect(new Set(results.map((r) => r.case_id)).size).toBe(12);
    expect(done!.cost_usd).toBeCloseTo(
      results.reduce((s, r) => s + Number(r.cost_usd), 0),
      6,
    );
    expect(await auditActions(run.id)).toEqual(['eval_run.create', 'eval_run.start', 'eval_run.resume', 'eval_run.complete']);
  });

  it('cancels a queued run once; the worker then leaves it alone', async () => {
    const suite = await createEvalSuite(deps, ctx, uniformSuite(2));
    const run = await createEvalRun(deps, ctx, { eval_suite_id: suite.id, model: BASE });
    expect(await cancelEvalRun(deps, ctx, run.id)).toMatchObject({ status: 'canceled', stop_reason: 'canceled' });
    await expect(cancelEvalRun(deps, ctx, run.id)).rejects.toBeInstanceOf(InvalidTransitionError);
    expect(await executeEvalRun(deps, ctx, run.id, { attempt: 1, maxAttempts: 1 })).toBeNull();
  });

  it('counts the judge model cost in the run cost', async () => {
    const suite = await createEvalSuite(deps, ctx, {
      name: 'judged',
      cases: { type: 'inline', cases: [{ input: ask('Where are the docs?'), expected_output: 'check the official documentation' }] },
      graders: [{ type: 'model_graded', judge_model: { type: 'base_model', value: 'gpt-4.1-2025-04-14' }, rubric: 'Points to the documentation?', pass_score: 0.2 }],
      pass_threshold: 0.2,
    });
    const run = await createEvalRun(deps, ctx, { eval_suite_id: suite.id, model: BASE });
    const done = await executeEvalRun(deps, ctx, run.id, { attempt: 1, maxAttempts: 1 });
    expect(done!.metrics!.judge_cost_usd).toBeGreaterThan(0);
    expect(done!.cost_usd).toBeGreaterThan(done!.metrics!.judge_cost_usd);
    const [result] = (await listEvalRunResults(h.testDb.database.db, ctx, run.id, {})).data;
    expect(result!.graders[0]!.reason).toMatch(/shares \d+% of its words/);
  });

  it('selects the top-K cases nearest to the query for vector_retrieval', async () => {
    const topics = ['reset my router password', 'bake sourdough bread at home', 'router firmware update failed', 'knit a wool scarf', 'router keeps dropping wifi'];
    const suite = await createEvalSuite(deps, ctx, {
      name: 'vector',
      cases: { type: 'inline', cases: topics.map((t) => ({ input: ask(t) })) },
      graders: [{ type: 'json_valid' }],
      pass_threshold: 1,
      selection_strategy: { type: 'vector_retrieval', query: 'router problems', top_k: 3 },
    });
    const run = await createEvalRun(deps, ctx, { eval_suite_id: suite.id, model: BASE });
    expect(run.progress.cases_total).toBe(3);
    const done = await executeEvalRun(deps, ctx, run.id, { attempt: 1, maxAttempts: 1 });
    const positions = (await listEvalRunResults(h.testDb.database.db, ctx, done!.id, {})).data.map((r) => r.position);
    expect(positions).toEqual([0, 2, 4]);
  });

  it('refuses kb_collection selection without a vector store', async () => {
    const suite = await createEvalSuite(deps, ctx, { ...uniformSuite(2), selection_strategy: { type: 'vector_retrieval', kb_collection: 'faq', top_k: 1 } });
    await expect(createEvalRun(deps, ctx, { eval_suite_id: suite.id, model: BASE })).rejects.toBeInstanceOf(ValidationError);
  });

  it('keeps the latest completed score per suite on the model version', async () => {
    const version = await createModelVersion(h.testDb.database.db, ctx, { name: 'mine', provider: 'simulated', provider_model_id: 'gpt-4o-2024-08-06', base_model: 'gpt-4o-2024-08-06' });
    const suite = await createEvalSuite(deps, ctx, uniformSuite(2));
    const run = await createEvalRun(deps, ctx, { eval_suite_id: suite.id, model: { type: 'ft_model_version', value: version.id } });
    expect(run.model_version_id).toBe(version.id);
    const done = await executeEvalRun(deps, ctx, run.id, { attempt: 1, maxAttempts: 1 });
    const byId = await createEvalRun(deps, ctx, { eval_suite_id: suite.id, model: { type: 'provider_model_id', value: 'gpt-4o-2024-08-06', provider: 'simulated' } });
    expect(byId.model_version_id).toBe(version.id);
    const row = await h.testDb.database.db.selectFrom('model_versions').select('eval_summary').where('id', '=', version.id).executeTakeFirstOrThrow();
    expect(row.eval_summary[suite.id]).toEqual({ eval_run_id: done!.id, score: done!.metrics!.score, completed_at: done!.completed_at });
    expect(await eventTypes(version.id)).toContain('model_version.updated');
  });
});

describe('comparison', () => {
  it('compares two runs of a suite with a deterministic interval; equal runs are not significantly different', async () => {
    const suite = await createEvalSuite(deps, ctx, uniformSuite(8));
    const a = await createEvalRun(deps, ctx, { eval_suite_id: suite.id, model: BASE });
    const b = await createEvalRun(deps, ctx, { eval_suite_id: suite.id, model: BASE });
    await executeEvalRun(deps, ctx, a.id, { attempt: 1, maxAttempts: 1 });
    await executeEvalRun(deps, ctx, b.id, { attempt: 1, maxAttempts: 1 });
    const c1 = await compareEvalRuns(h.testDb.database.db, ctx, a.id, { baseline: b.id });
    expect(c1.cases).toHaveLength(8);
    expect(c1.aggregate).toMatchObject({ delta: 0, significant: false, confidence_interval: { level: 0.95, lower: 0, upper: 0 } });
    expect(await compareEvalRuns(h.testDb.database.db, ctx, a.id, { baseline: b.id })).toEqual(c1);
  });

  it('refuses unfinished runs and runs of different suites with a conflict', async () => {
    const s1 = await createEvalSuite(deps, ctx, uniformSuite(1));
    const s2 = await createEvalSuite(deps, ctx, uniformSuite(1));
    const queued = await createEvalRun(deps, ctx, { eval_suite_id: s1.id, model: BASE });
    const done = await createEvalRun(deps, ctx, { eval_suite_id: s1.id, model: BASE });
    await executeEvalRun(deps, ctx, done.id, { attempt: 1, maxAttempts: 1 });
    const elsewhere = await createEvalRun(deps, ctx, { eval_suite_id: s2.id, model: BASE });
    await executeEvalRun(deps, ctx, elsewhere.id, { attempt: 1, maxAttempts: 1 });
    await expect(compareEvalRuns(h.testDb.database.db, ctx, done.id, { baseline: queued.id })).rejects.toBeInstanceOf(ConflictError);
    await expect(compareEvalRuns(h.testDb.database.db, ctx, done.id, { baseline: elsewhere.id })).rejects.toMatchObject({ code: 'suite_mismatch' });
    await expect(compareEvalRuns(h.testDb.database.db, ctx, done.id, { baseline: 'nope' })).rejects.toBeInstanceOf(ValidationError);
  });
});
