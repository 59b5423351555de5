// bench/api: `GET /model-versions/{id}` of the real API on PostgreSQL (auth, tenant scoping, an
// indexed read of one of 256 versions picked at random per request, serialization) against a bare
// Fastify hello-world, both started in this run, each in its own process, measured one after the
// other with autocannon (64 connections, ~10 s each).
// Prints both req/s, the ratio and p99. Targets on a 2-core machine: ratio ≥ 0.30, p99 ≤ 25 ms.
//
//   pnpm bench:api                   (builds first)   or   node bench/api.mjs   (from source via tsx)
//   FTM_BENCH_DATABASE_URL=postgres://… to use another server; BENCH_DURATION=<s> to change 10 s.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = 64;
const TARGET_RATIO = 0.3;
const TARGET_P99_MS = 25;

/** Starts a child script and resolves with the JSON line it prints once ready. */
function startChild(script) {
  const built = existsSync(join(ROOT, 'packages/server/dist/index.js'));
  const args = built ? [join(ROOT, script)] : ['--conditions=ftm-source', '--import', 'tsx', join(ROOT, script)];
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

/** `paths`, when given, are requested in random order (one per request). */
function run(url, headers, duration, paths) {
  const requests = paths ? [{ setupRequest: (req) => ({ ...req, path: paths[Math.floor(Math.random() * paths.length)] }) }] : undefined;
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: CONNECTIONS, duration, headers, ...(requests ? { requests } : {}) }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

async function measure(label, url, headers, paths) {
  await run(url, headers, 2, paths); // warm-up: JIT, pool connections, auth cache
  const r = await run(url, headers, DURATION, paths);
  const bad = r.non2xx + r.errors + r.timeouts;
  if (bad > 0) throw new Error(`${label}: ${bad} failed requests (non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts})`);
  return { label, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, total: r.requests.total };
}

const bare = await startChild('bench/bare-fastify.mjs');
let baseline;
try {
  baseline = await measure('bare fastify', `${bare.info.url}/hello`, {});
} finally {
  await stop(bare.child);
}
const api = await startChild('bench/api-server.mjs');
let ftm;
try {
  const paths = api.info.ids.map((id) => `/model-versions/${id}`);
  ftm = await measure('ftm GET /model-versions/{id}', api.info.url, { authorization: `Bearer ${api.info.key}` }, paths);
} finally {
  await stop(api.child);
}

const ratio = ftm.rps / baseline.rps;
for (const r of [baseline, ftm]) {
  console.log(`${r.label.padEnd(32)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${String(r.p50).padStart(3)} ms   p99 ${String(r.p99).padStart(3)} ms   (${r.total} requests, ${CONNECTIONS} connections, ${DURATION} s)`);
}
console.log(`ratio ${ratio.toFixed(2)} (target ≥ ${TARGET_RATIO})   ftm p99 ${ftm.p99} ms (target ≤ ${TARGET_P99_MS} ms)`);
console.log(ratio >= TARGET_RATIO && ftm.p99 <= TARGET_P99_MS ? 'bench/api: targets met' : 'bench/api: targets NOT met');
