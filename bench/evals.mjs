// bench/evals: an eval run of N cases (default 10,000) with cheap graders against a zero-latency
// simulated model, on the embedded default (PGlite on disk, filesystem blobs). Baseline in the
// same run: the same model calls and the same compiled graders in a bare loop, nothing stored.
// Prints cases/s of both, the engine's per-case overhead, and the ratio. Target ≥ 2,000 cases/s.
//
//   node bench/evals.mjs [cases] [concurrency]
import { register } from 'tsx/esm/api';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

register();
const N = Number(process.argv[2] ?? 10_000);
const CONCURRENCY = Number(process.argv[3] ?? 16);
const TARGET = 2_000;
const core = (p) => import(new URL(`../packages/core/src/${p}`, import.meta.url).href);
const { openPglite } = await core('db/open-database.ts');
const { FsBlobStore } = await core('adapters/fs/fs-blob-store.ts');
const { LocalQueue } = await core('adapters/local-queue/local-queue.ts');
const { SimulatedRunner } = await core('adapters/simulated/simulated-runner.ts');
const { LocalGovernanceEngine } = await core('governance/local-governance-engine.ts');
const { BuiltinSanitizer } = await core('sanitization/builtin-sanitizer.ts');
const { createModelRunnerRegistry } = await core('runners/runner-registry.ts');
const { DEFAULT_INFERENCE_PRICES, inferenceCostUsd } = await core('runners/inference-prices.ts');
const { LocalEmbedder } = await core('vectors/local-embedder.ts');
const { createEvalsService } = await core('evals/evals-service.ts');
const { executeEvalRun } = await core('evals/execute-eval-run.ts');
const { GraderSet, gradeCase, GraderConfig } = await core('evals/graders/index.ts');
const { uuidv7, uuidv7Generator } = await core('shared/ids.ts');
const { systemClock } = await core('shared/clock.ts');
const { silentLogger } = await core('shared/logger.ts');

const dir = await mkdtemp(join(tmpdir(), 'ftm-bench-evals-'));
const database = await openPglite(process.env.BENCH_MEMORY ? {} : { dataDir: join(dir, 'db') });
const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
try {
  await database.migrate();
  const tenantId = uuidv7();
  await database.db.insertInto('tenants').values({ id: tenantId, name: 'bench' }).execute();
  const ctx = { tenantId, projectId: null, actor: { type: 'system', id: 'bench', role: 'admin' }, requestId: 'bench', clock: systemClock, ids: uuidv7Generator, logger: silentLogger };
  const runner = new SimulatedRunner({ examples: async () => [] });
  const deps = {
    db: database.db,
    blobs: new FsBlobStore({ root: join(dir, 'blobs') }),
    queue: new LocalQueue(database),
    governance: new LocalGovernanceEngine({ version: 1, default: 'allow', rules: [] }),
    sanitizer: new BuiltinSanitizer(),
    runners: createModelRunnerRegistry({ simulated: runner }),
    prices: DEFAULT_INFERENCE_PRICES,
    embedder: new LocalEmbedder(),
    vectorStore: null,
  };
  const evals = createEvalsService(deps);
  const graders = [
    { type: 'contains', values: ['documentation'] },
    { type: 'not_contains', values: ['error', 'sorry'], case_insensitive: true },
    { type: 'regex', pattern: '^(That|Thanks|Happy)', flags: 'i' },
    { type: 'json_valid', weight: 0.5 },
    { type: 'latency_ceiling', max_ms: 1000 },
    { type: 'cost_ceiling', max_usd: 0.01 },
  ];
  const cases = Array.from({ length: N }, (_, i) => ({
    input: { messages: [{ role: 'user', content: `Question ${i}: where do I find the setup guide for device ${i % 97}?` }] },
    tags: [`t${i % 5}`],
  }));

  let t = performance.now();
  const suite = await evals.createSuite(ctx, { name: 'bench', cases: { type: 'inline', cases }, graders, pass_threshold: 0.7 });
  const createSeconds = (performance.now() - t) / 1000;

  // Baseline: the same model calls and graders in a bare loop (nothing queued, priced or stored).
  const set = new GraderSet(graders.map((g) => GraderConfig.parse(g)));
  const env = { sanitizer: deps.sanitizer, judge: async () => ({ content: null, costUsd: 0 }) };
  const model = { id: 'gpt-4o-mini-2024-07-18', provider: 'simulated' };
  for (const c of cases.slice(0, 500)) await runner.complete(model, { messages: c.input.messages }); // warm-up
  t = performance.now();
  for (const c of cases) {
    const out = await runner.complete(model, { messages: c.input.messages });
    const costUsd = inferenceCostUsd(DEFAULT_INFERENCE_PRICES, model.id, out.usage);
    await gradeCase(
      set.forCase(null),
      { input: c.input.messages, content: out.content, toolCalls: out.toolCalls, expectedOutput: null, expectedToolCall: null, jsonSchema: null, latencyMs: out.latencyMs, costUsd },
      env,
      0.7,
    );
  }
  const baselineSeconds = (performance.now() - t) / 1000;

  const run = await evals.createRun(ctx, { eval_suite_id: suite.id, model: { type: 'base_model', value: model.id }, concurrency: CONCURRENCY });
  t = performance.now();
  const done = await executeEvalRun(deps, ctx, run.id, { attempt: 1, maxAttempts: 1 });
  const engineSeconds = (performance.now() - t) / 1000;
  if (done.status !== 'completed' || done.progress.cases_done !== N) throw new Error(`run ended ${done.status} with ${done.progress.cases_done}/${N} cases`);

  const engineRate = N / engineSeconds;
  const overheadUs = ((engineSeconds - baselineSeconds) / N) * 1e6;
  console.log(`bench/evals: ${fmt(N)} cases, ${graders.length} cheap graders, zero-latency simulated model, concurrency ${CONCURRENCY}, PGlite on disk`);
  console.log(`  suite creation (validate + store ${fmt(N)} cases)  ${fmt(createSeconds, 2).padStart(7)} s`);
  console.log(`  baseline (model + graders, bare loop)           ${fmt(baselineSeconds, 2).padStart(7)} s  ${fmt(N / baselineSeconds).padStart(9)} cases/s`);
  console.log(`  eval run (queue slots, pricing, results, metrics) ${fmt(engineSeconds, 2).padStart(5)} s  ${fmt(engineRate).padStart(9)} cases/s`);
  console.log(`  engine overhead per case: ${fmt(overheadUs, 1)} µs   engine / baseline throughput: ${fmt(engineRate / (N / baselineSeconds), 3)}x`);
  console.log(`  run: score ${done.metrics.score}, pass rate ${done.metrics.pass_rate}, cost $${done.cost_usd}, p95 latency ${done.metrics.latency_ms.p95} ms`);
  console.log(`  target ≥ ${fmt(TARGET)} cases/s: ${engineRate >= TARGET ? 'PASS' : 'FAIL'}`);
  await deps.queue.close();
} finally {
  await database.close();
  await rm(dir, { recursive: true, force: true });
}
