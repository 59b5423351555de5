// bench/pointers: the hot path `GET /production-pointers/resolve?assistant=…` of the real API
// (bearer auth from the key cache, resolve from the in-process pointer cache, ETag, serialised
// body) against a bare Fastify hello-world, both started in this run, each in its own process,
// measured one after the other with autocannon (64 connections, ~10 s each). Also measures the
// 304 path (If-None-Match). Prints req/s, the ratio and p99. Targets: ratio ≥ 0.6, p99 ≤ 10 ms.
//
//   node bench/pointers.mjs          FTM_BENCH_DATABASE_URL=postgres://… to use another server;
//                                    BENCH_DURATION=<s> to change 10 s.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = 64;
const TARGET_RATIO = 0.6;
const TARGET_P99_MS = 10;

/** Starts a child script (from source through tsx) and resolves with the JSON line it prints once ready. */
function startChild(script) {
  const args = ['--conditions=ftm-source', '--import', 'tsx', join(ROOT, script)];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      const line = buffer.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ child, info: JSON.parse(line) });
    });
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

function stop(child) {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

function run(url, headers, duration) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: CONNECTIONS, duration, headers }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

async function measure(label, url, headers, expected = '2xx') {
  await run(url, headers, 2); // warm-up: JIT, pool connections, auth and pointer caches
  const r = await run(url, headers, DURATION);
  const ok = expected === '2xx' ? r['2xx'] : r['3xx'];
  const bad = r.requests.total - ok + r.errors + r.timeouts;
  if (bad > 0) throw new Error(`${label}: ${bad} unexpected responses (2xx ${r['2xx']}, 3xx ${r['3xx']}, non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts})`);
  return { label, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, total: r.requests.total };
}

const bare = await startChild('bench/bare-fastify.mjs');
let baseline;
try {
  baseline = await measure('bare fastify', `${bare.info.url}/hello`, {});
} finally {
  await stop(bare.child);
}
const api = await startChild('bench/pointers-server.mjs');
let resolve200;
let resolve304;
try {
  const url = `${api.info.url}/production-pointers/resolve?assistant=${api.info.assistant}`;
  const auth = { authorization: `Bearer ${api.info.key}` };
  resolve200 = await measure('ftm resolve (200)', url, auth);
  const etag = (await fetch(url, { headers: auth })).headers.get('etag');
  resolve304 = await measure('ftm resolve (304, If-None-Match)', url, { ...auth, 'if-none-match': etag }, '3xx');
} finally {
  await stop(api.child);
}

const ratio = resolve200.rps / baseline.rps;
for (const r of [baseline, resolve200, resolve304]) {
  console.log(`${r.label.padEnd(34)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${String(r.p50).padStart(3)} ms   p99 ${String(r.p99).padStart(3)} ms   (${r.total} requests, ${CONNECTIONS} connections, ${DURATION} s)`);
}
console.log(`ratio ${ratio.toFixed(2)} (target ≥ ${TARGET_RATIO})   304 ratio ${(resolve304.rps / baseline.rps).toFixed(2)}   resolve p99 ${resolve200.p99} ms (target ≤ ${TARGET_P99_MS} ms)`);
console.log(ratio >= TARGET_RATIO && resolve200.p99 <= TARGET_P99_MS ? 'bench/pointers: targets met' : 'bench/pointers: targets NOT met');
