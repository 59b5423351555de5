// One measured phase in its own process, so peak RSS belongs to that phase alone.
// Usage: [BENCH_WARM_UP_FILE=file] node bench/datasets/phase.mjs <floor|tokenizer|pipeline> <file> [bundle dir]
// With a bundle dir (bundle.mjs) the phase runs the compiled modules, else the sources via tsx.
import { pathToFileURL } from 'node:url';
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

const [phase, file, bundleDir] = process.argv.slice(2);
let modules;
if (bundleDir) {
  modules = await import(pathToFileURL(`${bundleDir}/pipeline-modules.js`).href);
} else {
  (await import('tsx/esm/api')).register();
  modules = await import('./pipeline-modules.mjs');
}
const { readJsonLines } = modules;

let started;
// CPU time of every thread of the process (user + system): what the phase costs the machine,
// independent of how busy other processes keep the cores.
let cpuStart;
const cpuSeconds = (from) => {
  const { user, system } = process.cpuUsage(from);
  return (user + system) / 1e6;
};
const result = {};
// BENCH_THREAD_CPU=1: CPU seconds each thread spent during the measured build (from /proc, Linux
// only), to see where a pipeline's CPU goes: the main thread, the record workers (the two
// busiest) and V8's own helper threads (garbage collection, compilation), which are all named
// "node". Snapshots are taken just before the build starts and before the pool closes.
const { readdirSync, readFileSync } = await import('node:fs');
function threadCpu() {
  if (!process.env.BENCH_THREAD_CPU) return undefined;
  const tick = 100;
  return new Map(
    readdirSync('/proc/self/task').map((tid) => {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return [tid, (Number(f[11]) + Number(f[12])) / tick];
    }),
  );
}
function threadCpuSince(before) {
  if (!before) return;
  const after = threadCpu();
  const spent = [...after].map(([tid, seconds]) => [tid, seconds - (before.get(tid) ?? 0)]).filter(([, s]) => s >= 0.01);
  const main = spent.find(([tid]) => tid === String(process.pid))?.[1] ?? 0;
  const others = spent
    .filter(([tid]) => tid !== String(process.pid))
    .map(([, s]) => s)
    .sort((a, b) => b - a);
  result.threads = { main, workers: others.slice(0, 2), helpers: others.slice(2).reduce((a, b) => a + b, 0) };
}
// Each phase is a function of its input file, so that with BENCH_WARM_UP_FILE it first runs,
// untimed, over other records: the JIT has then compiled its hot code, as in a long-lived worker
// process that has built datasets before (steady state), in every phase alike.
async function floor(input) {
  const dir = await mkdtemp(join(tmpdir(), 'ftm-bench-'));
  const out = createWriteStream(join(dir, 'out.jsonl'));
  let n = 0;
  for await (const { text } of readJsonLines(createReadStream(input))) {
    n++;
    if (!out.write(JSON.stringify(JSON.parse(text)) + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  await rm(dir, { recursive: true, force: true });
  return { records: n };
}
let count;
async function tokenizer(input) {
  const { countExampleTokens } = modules;
  let n = 0;
  let tokens = 0;
  for await (const { text } of readJsonLines(createReadStream(input))) {
    n++;
    tokens += countExampleTokens(JSON.parse(text), 'jsonl_chat', count);
  }
  return { records: n, tokens };
}
let pool;
async function pipeline(input) {
  const { FsBlobStore, runDatasetBuild, DatasetBuildConfig, BuiltinSanitizer } = modules;
  const dir = await mkdtemp(join(tmpdir(), 'ftm-bench-'));
  const config = DatasetBuildConfig.parse({ format: 'jsonl_chat', base_model: 'gpt-4o-mini-2024-07-18' });
  const build = await runDatasetBuild({
    // As the build job reads an upload: raw bytes from the blob store (the embedded default's).
    source: { bytes: await new FsBlobStore({ root: dirname(input) }).get(basename(input)) },
    config,
    blobs: new FsBlobStore({ root: dir }),
    keyPrefix: 'datasets/bench/p/d/v1',
    sanitizer: new BuiltinSanitizer(),
    processor: pool,
  });
  await rm(dir, { recursive: true, force: true });
  return {
    records: build.report.records_read,
    status: build.status,
    written: build.report.records_written,
    exact_removed: build.report.dedup.exact_removed,
    near_removed: build.report.dedup.near_removed,
    dedup_index_mb: Math.round(build.report.dedup.index_bytes / 1048576),
    findings: build.report.sanitization.findings,
    tokens: build.report.tokens.total_tokens,
    // The built file's digest: the same input must give the same file, run after run and version after version.
    sha256: build.train?.sha256,
  };
}
const phases = { floor, tokenizer, pipeline };
if (!phases[phase]) throw new Error(`unknown phase ${phase}`);
if (phase === 'tokenizer') {
  count = await modules.loadTextCounter('o200k_base');
  count('warm up');
}
if (phase === 'pipeline') {
  // A worker process keeps its pool for its lifetime: start it, every thread's tokenizer loaded,
  // outside the timing.
  pool = new modules.RecordProcessorPool({ threads: Number(process.env.FTM_BENCH_THREADS ?? 2) });
  const warmUp = () => new Uint8Array(Buffer.from('{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}\n'));
  const options = { format: 'jsonl_chat', encoding: 'o200k_base', maxTokensPerExample: 65536, builtinSanitize: true, nearDedup: true };
  await Promise.all(Array.from({ length: pool.threads }, () => pool.process(warmUp(), options)));
}
if (process.env.BENCH_WARM_UP_FILE) await phases[phase](process.env.BENCH_WARM_UP_FILE);
const threadsBefore = phase === 'pipeline' ? threadCpu() : undefined;
started = performance.now();
cpuStart = process.cpuUsage();
const measured = await phases[phase](file);
result.seconds = (performance.now() - started) / 1000;
result.cpu_seconds = cpuSeconds(cpuStart);
Object.assign(result, measured);
threadCpuSince(threadsBefore);
await pool?.close();
result.peak_rss_mb = Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(JSON.stringify(result) + '\n');
