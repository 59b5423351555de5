// bench/datasets: a generated chat dataset through the whole build pipeline, against two
// baselines measured in the same run: the floor (parse each line, stringify, write) and
// tokenizer-only (count every example's tokens on one thread). Each phase runs in its own
// process so its peak RSS is its own. Every phase runs @ftm/core compiled as the package ships it
// (bundle.mjs); BENCH_FROM_SOURCE=1 runs the TypeScript sources through tsx instead (slower, and
// each thread then carries tsx's loader in its RSS).
// Usage: [BENCH_FROM_SOURCE=1] [BENCH_REPEAT=n] [BENCH_THREAD_CPU=1] [BENCH_WARM_UP=1] node bench/datasets.mjs [records...]
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleCore } from './datasets/bundle.mjs';
import { generateChatDataset } from './datasets/generate.mjs';

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const counts = sizes.length > 0 ? sizes : [50_000, 200_000];
const phaseScript = fileURLToPath(new URL('./datasets/phase.mjs', import.meta.url));
const dir = await mkdtemp(join(tmpdir(), 'ftm-bench-data-'));

const fromSource = Boolean(process.env.BENCH_FROM_SOURCE);
const bundleDir = fromSource ? undefined : await bundleCore();
// Cold by default: each phase is timed from its first record in a fresh process, compilation
// included. BENCH_WARM_UP=1 measures the steady state instead: every phase first runs, untimed,
// over 5,000 other records, as a long-lived worker process has built datasets before.
const warmUp = process.env.BENCH_WARM_UP === '1';
const warmUpFile = join(dir, 'warm-up.jsonl');
if (warmUp) await generateChatDataset(warmUpFile, 5_000, 7);
const env = { ...process.env, ...(warmUp ? { BENCH_WARM_UP_FILE: warmUpFile } : {}) };
const run = (phase, file) =>
  JSON.parse(
    execFileSync(process.execPath, [phaseScript, phase, file, ...(bundleDir ? [bundleDir] : [])], { encoding: 'utf8', env, maxBuffer: 1 << 20 })
      .trim()
      .split('\n')
      .at(-1),
  );
const fmt = (n, d = 1) => n.toFixed(d);
const repeat = Math.max(1, Number(process.env.BENCH_REPEAT ?? 1));
const median = (results) => {
  const sorted = [...results].sort((a, b) => a.seconds - b.seconds);
  return { ...sorted[(sorted.length - 1) >> 1], peak_rss_mb: Math.max(...results.map((r) => r.peak_rss_mb)) };
};

try {
  console.log(
    `@ftm/core ${fromSource ? 'from source (tsx)' : 'compiled (esbuild, as tsup ships it)'}; ${availableParallelism()} cores; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(warmUp ? 'steady state: each phase first processes 5,000 other records, untimed' : 'cold: each phase timed from its first record in a fresh process');
  const rows = [];
  for (const n of counts) {
    const file = join(dir, `chat-${n}.jsonl`);
    await generateChatDataset(file, n);
    const mb = statSync(file).size / 1e6;
    // The phases take turns, BENCH_REPEAT rounds (default 1); each reports its median-time round
    // and the highest peak RSS seen, so a burst of load from elsewhere skews no single phase.
    const runs = { floor: [], tokenizer: [], pipeline: [] };
    for (let round = 0; round < repeat; round++) for (const phase of Object.keys(runs)) runs[phase].push(run(phase, file));
    const [floor, tokenizer, pipeline] = Object.values(runs).map(median);
    rows.push({ n, mb, floor, tokenizer, pipeline });
    console.log(`\n${n} records, ${fmt(mb)} MB`);
    for (const [name, r] of [
      ['floor (parse+stringify+write)', floor],
      ['tokenizer only (1 thread)', tokenizer],
      ['pipeline (full build)', pipeline],
    ]) {
      console.log(
        `  ${name.padEnd(32)} ${fmt(mb / r.seconds, 2).padStart(7)} MB/s ${fmt(r.records / r.seconds, 0).padStart(8)} records/s  ${fmt(r.seconds, 2).padStart(6)} s  CPU ${fmt(r.cpu_seconds, 2).padStart(6)} s  peak RSS ${String(r.peak_rss_mb).padStart(4)} MB`,
      );
    }
    console.log(`  pipeline / tokenizer-only: ${fmt(tokenizer.seconds / pipeline.seconds, 2)}x   pipeline / floor: ${fmt(floor.seconds / pipeline.seconds, 2)}x`);
    if (pipeline.threads) {
      const { main, workers, helpers } = pipeline.threads;
      console.log(`  pipeline CPU by thread: main ${fmt(main, 2)} s, workers ${workers.map((w) => fmt(w, 2)).join(' + ')} s, V8 helpers ${fmt(helpers, 2)} s`);
    }
    console.log(
      `  build: ${pipeline.status}, ${pipeline.written} written, ${pipeline.exact_removed} exact and ${pipeline.near_removed} near duplicates removed (dedup indexes ${pipeline.dedup_index_mb} MB), findings ${JSON.stringify(pipeline.findings)}, train.jsonl sha256 ${pipeline.sha256}`,
    );
  }
  if (rows.length > 1) {
    const [a, b] = [rows[0], rows.at(-1)];
    console.log(`\npeak RSS of the pipeline: ${a.pipeline.peak_rss_mb} MB at ${a.n} records, ${b.pipeline.peak_rss_mb} MB at ${b.n} records`);
  }
  console.log(
    `load average at the end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
  if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
}
