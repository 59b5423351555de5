// One measured phase in its own process, so peak RSS belongs to that phase alone.
// Usage: node bench/datasets/phase.mjs <floor|tokenizer|pipeline> <file> <outDir>
import { register } from 'tsx/esm/api';
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

register();
const [phase, file] = process.argv.slice(2);
const core = (p) => import(new URL(`../../packages/core/src/${p}`, import.meta.url).href);
const { readJsonLines } = await core('datasets/line-reader.ts');

let records = 0;
let started;
const result = {};
if (phase === 'floor') {
  const dir = await mkdtemp(join(tmpdir(), 'ftm-bench-'));
  const out = createWriteStream(join(dir, 'out.jsonl'));
  started = performance.now();
  for await (const { text } of readJsonLines(createReadStream(file))) {
    records++;
    if (!out.write(JSON.stringify(JSON.parse(text)) + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  result.seconds = (performance.now() - started) / 1000;
  await rm(dir, { recursive: true, force: true });
} else if (phase === 'tokenizer') {
  const { loadTextCounter, countExampleTokens } = await core('datasets/token-counter.ts');
  const count = await loadTextCounter('o200k_base');
  count('warm up');
  let tokens = 0;
  started = performance.now();
  for await (const { text } of readJsonLines(createReadStream(file))) {
    records++;
    tokens += countExampleTokens(JSON.parse(text), 'jsonl_chat', count);
  }
  result.seconds = (performance.now() - started) / 1000;
  result.tokens = tokens;
} else if (phase === 'pipeline') {
  const { FsBlobStore } = await core('adapters/fs/fs-blob-store.ts');
  const { RecordProcessorPool } = await core('datasets/record-processor-pool.ts');
  const { runDatasetBuild } = await core('datasets/run-dataset-build.ts');
  const { DatasetBuildConfig } = await core('datasets/dataset-config.ts');
  const { BuiltinSanitizer } = await core('trism/builtin-sanitizer.ts');
  const dir = await mkdtemp(join(tmpdir(), 'ftm-bench-'));
  const pool = new RecordProcessorPool({ threads: Number(process.env.FTM_BENCH_THREADS ?? 2) });
  const config = DatasetBuildConfig.parse({ format: 'jsonl_chat', base_model: 'gpt-4o-mini-2024-07-18' });
  // A worker process keeps its pool for its lifetime: start and warm it outside the timing.
  const warmUp = () => new Uint8Array(Buffer.from('{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}\n'));
  await Promise.all(Array.from({ length: pool.threads }, () => pool.process(warmUp(), { format: 'jsonl_chat', encoding: 'o200k_base', maxTokensPerExample: 65536, builtinSanitize: true, nearDedup: true })));
  started = performance.now();
  const build = await runDatasetBuild({
    // As the build job reads an upload: raw bytes from storage.
    source: { bytes: createReadStream(file) },
    config,
    blobs: new FsBlobStore({ root: dir }),
    keyPrefix: 'datasets/bench/p/d/v1',
    sanitizer: new BuiltinSanitizer(),
    processor: pool,
  });
  result.seconds = (performance.now() - started) / 1000;
  records = build.report.records_read;
  result.status = build.status;
  result.written = build.report.records_written;
  result.exact_removed = build.report.dedup.exact_removed;
  result.near_removed = build.report.dedup.near_removed;
  result.findings = build.report.sanitization.findings;
  result.tokens = build.report.tokens.total_tokens;
  await pool.close();
  await rm(dir, { recursive: true, force: true });
} else {
  throw new Error(`unknown phase ${phase}`);
}
result.records = records;
result.peak_rss_mb = Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(JSON.stringify(result) + '\n');
