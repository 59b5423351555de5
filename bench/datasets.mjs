// bench/datasets: a generated chat dataset through the whole build pipeline, against two
// baselines measured in the same run: the floor (parse each line, stringify, write) and
// tokenizer-only (count every example's tokens on one thread). Each phase runs in its own
// process so its peak RSS is its own. Usage: node bench/datasets.mjs [records...]
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateChatDataset } from './datasets/generate.mjs';

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const counts = sizes.length > 0 ? sizes : [50_000, 200_000];
const phaseScript = fileURLToPath(new URL('./datasets/phase.mjs', import.meta.url));
const dir = await mkdtemp(join(tmpdir(), 'ftm-bench-data-'));

const run = (phase, file) => JSON.parse(execFileSync(process.execPath, [phaseScript, phase, file], { encoding: 'utf8', maxBuffer: 1 << 20 }).trim().split('\n').at(-1));
const fmt = (n, d = 1) => n.toFixed(d);

try {
  const rows = [];
  for (const n of counts) {
    const file = join(dir, `chat-${n}.jsonl`);
    await generateChatDataset(file, n);
    const mb = statSync(file).size / 1e6;
    const floor = run('floor', file);
    const tokenizer = run('tokenizer', file);
    const pipeline = run('pipeline', file);
    rows.push({ n, mb, floor, tokenizer, pipeline });
    console.log(`\n${n} records, ${fmt(mb)} MB`);
    for (const [name, r] of [['floor (parse+stringify+write)', floor], ['tokenizer only (1 thread)', tokenizer], ['pipeline (full build)', pipeline]]) {
      console.log(`  ${name.padEnd(32)} ${fmt(mb / r.seconds, 2).padStart(7)} MB/s ${fmt(r.records / r.seconds, 0).padStart(8)} records/s  ${fmt(r.seconds, 1).padStart(6)} s  peak RSS ${String(r.peak_rss_mb).padStart(4)} MB`);
    }
    console.log(`  pipeline / tokenizer-only: ${fmt(tokenizer.seconds / pipeline.seconds, 2)}x   pipeline / floor: ${fmt(floor.seconds / pipeline.seconds, 2)}x`);
    console.log(`  build: ${pipeline.status}, ${pipeline.written} written, ${pipeline.exact_removed} exact and ${pipeline.near_removed} near duplicates removed, findings ${JSON.stringify(pipeline.findings)}`);
  }
  if (rows.length > 1) {
    const [a, b] = [rows[0], rows.at(-1)];
    console.log(`\npeak RSS of the pipeline: ${a.pipeline.peak_rss_mb} MB at ${a.n} records, ${b.pipeline.peak_rss_mb} MB at ${b.n} records`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
