// One measured phase in its own process, so peak RSS belongs to that phase alone.
// Usage: node bench/datasets/phase.mjs <floor|tokenizer|pipeline> <file> [bundle dir]
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

let records = 0;
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
  const others = spent.filter(([tid]) => tid !== String(process.pid)).map(([, s]) => s).sort((a, b) => b - a);
  result.threads = { main, workers: others.slice(0, 2), helpers: others.slice(2).reduce((a, b) => a + b, 0) };
}
if (phase === 'floor') {
  const dir = await mkdtemp(join(tmpdir(), 'ftm-bench-'));
  const out = createWriteStream(join(dir, 'out.jsonl'));
  started = performance.now();
  cpuStart = process.cpuUsage();
  for await (const { text } of readJsonLines(createReadStream(file))) {
    records++;
    if (!out.write(JSON.stringify(JSON.parse(text)) + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  result.seconds = (performance.now() - started) / 1000;
  result.cpu_seconds = cpuSeconds(cpuStart);
  await rm(dir, { recursive: true, force: true });
} else if (phase === 'tokenizer') {
  const { loadTextCounter, countExampleTokens } = modules;
  const count = await loadTextCounter('o200k_base');
  count('warm up');
  let tokens = 0;
  started = performance.now();
  cpuStart = process.cpuUsage();
  for await (const { text } of readJsonLines(createReadStream(file))) {
    records++;
    tokens += countExampleTokens(JSON.parse(text), 'jsonl_chat', count);
  }
  result.seconds = (performance.now() - started) / 1000;
  result.cpu_seconds = cpuSeconds(cpuStart);
  result.tokens = tokens;
} else if (phase === 'pipeline') {
  const { FsBlobStore, RecordProcessorPool, runDatasetBuild, DatasetBuildConfig, BuiltinSanitizer } = modules;
  const dir = await mkdtemp(join(tmpdir(), 'ftm-bench-'));
  const pool = new RecordProcessorPool({ threads: Number(process.env.FTM_BENCH_THREADS ?? 2) });
  const config = DatasetBuildConfig.parse({ format: 'jsonl_chat', base_model: 'gpt-4o-mini-2024-07-18' });
  // A worker process keeps its pool for its lifetime: start and warm it outside the timing.
  const warmUp = () => new Uint8Array(Buffer.from('{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}\n'));
  await Promise.all(Array.from({ length: pool.threads }, () => pool.process(warmUp(), { format: 'jsonl_chat', encoding: 'o200k_base', maxTokensPerExample: 65536, builtinSanitize: true, nearDedup: true })));
  const threadsBefore = threadCpu();
  started = performance.now();
  cpuStart = process.cpuUsage();
  const build = await runDatasetBuild({
    // As the build job reads an upload: raw bytes from the blob store (the embedded default's).
    source: { bytes: await new FsBlobStore({ root: dirname(file) }).get(basename(file)) },
    config,
    blobs: new FsBlobStore({ root: dir }),
    keyPrefix: 'datasets/bench/p/d/v1',
    sanitizer: new BuiltinSanitizer(),
    processor: pool,
  });
  result.seconds = (performance.now() - started) / 1000;
  result.cpu_seconds = cpuSeconds(cpuStart);
  records = build.report.records_read;
  result.status = build.status;
  result.written = build.report.records_written;
  result.exact_removed = build.report.dedup.exact_removed;
  result.near_removed = build.report.dedup.near_removed;
  result.findings = build.report.sanitization.findings;
  result.tokens = build.report.tokens.total_tokens;
  // The built file's digest: the same input must give the same file, run after run and version after version.
  result.sha256 = build.train?.sha256;
  threadCpuSince(threadsBefore);
  await pool.close();
  await rm(dir, { recursive: true, force: true });
} else {
  throw new Error(`unknown phase ${phase}`);
}
result.records = records;
result.peak_rss_mb = Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(JSON.stringify(result) + '\n');
