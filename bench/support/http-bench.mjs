// What bench/api and bench/pointers share: child server processes that print one JSON line once
// ready, and autocannon runs with a warm-up, checked for unexpected responses.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DURATION = Number(process.env.BENCH_DURATION ?? 10);
export const CONNECTIONS = 64;

/** Starts a bench script (on the built packages when built, else from source through tsx) and resolves with the JSON line it prints once ready. */
export function startChild(script) {
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

export function stop(child) {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

/** One autocannon run; `paths`, when given, are requested in random order (one per request). */
function run({ url, headers, paths }, duration) {
  const requests = paths ? [{ setupRequest: (req) => ({ ...req, path: paths[Math.floor(Math.random() * paths.length)] }) }] : undefined;
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: CONNECTIONS, duration, headers, ...(requests ? { requests } : {}) }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/**
 * A 2 s warm-up (JIT, pool connections, caches), then the measured run. Every response must be of
 * the `expected` class ('2xx' or '3xx'), else the bench fails instead of reporting a number.
 */
export async function measure(label, target, expected = '2xx') {
  await run(target, 2);
  const r = await run(target, DURATION);
  const ok = expected === '3xx' ? r['3xx'] : r['2xx'];
  const bad = r.requests.total - ok + r.errors + r.timeouts;
  if (bad > 0) throw new Error(`${label}: ${bad} unexpected responses (2xx ${r['2xx']}, 3xx ${r['3xx']}, non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts})`);
  return { label, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, total: r.requests.total };
}

/** Starts a child, measures it with `fn(info)`, and always stops it. */
export async function withChild(script, fn) {
  const { child, info } = await startChild(script);
  try {
    return await fn(info);
  } finally {
    await stop(child);
  }
}

export function printRows(rows) {
  for (const r of rows) {
    console.log(
      `${r.label.padEnd(34)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${String(r.p50).padStart(3)} ms   p99 ${String(r.p99).padStart(3)} ms   (${r.total} requests, ${CONNECTIONS} connections, ${DURATION} s)`,
    );
  }
}
