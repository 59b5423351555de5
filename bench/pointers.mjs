// bench/pointers: the hot path `GET /production-pointers/resolve?assistant=…` of the real API
// (bearer auth from the key cache, resolve from the in-process pointer cache, ETag, serialised
// body) against a bare Fastify hello-world, both started in this run, each in its own process,
// measured one after the other with autocannon (64 connections, ~10 s each). Also measures the
// 304 path (If-None-Match). Prints req/s, the ratio and p99. Targets: ratio ≥ 0.6, p99 ≤ 10 ms.
//
//   pnpm bench:pointers              (builds first)   or   node bench/pointers.mjs   (from source via tsx)
//   FTM_BENCH_DATABASE_URL=postgres://… to use another server; BENCH_DURATION=<s> to change 10 s.
import { measure, printRows, withChild } from './support/http-bench.mjs';

const TARGET_RATIO = 0.6;
const TARGET_P99_MS = 10;

const baseline = await withChild('bench/bare-fastify.mjs', (info) => measure('bare fastify', { url: `${info.url}/hello`, headers: {} }));
const [resolve200, resolve304] = await withChild('bench/pointers-server.mjs', async (info) => {
  const url = `${info.url}/production-pointers/resolve?assistant=${info.assistant}`;
  const headers = { authorization: `Bearer ${info.key}` };
  const ok = await measure('ftm resolve (200)', { url, headers });
  const etag = (await fetch(url, { headers })).headers.get('etag');
  const notModified = await measure('ftm resolve (304, If-None-Match)', { url, headers: { ...headers, 'if-none-match': etag } }, '3xx');
  return [ok, notModified];
});

const ratio = resolve200.rps / baseline.rps;
printRows([baseline, resolve200, resolve304]);
console.log(`ratio ${ratio.toFixed(2)} (target ≥ ${TARGET_RATIO})   304 ratio ${(resolve304.rps / baseline.rps).toFixed(2)}   resolve p99 ${resolve200.p99} ms (target ≤ ${TARGET_P99_MS} ms)`);
console.log(ratio >= TARGET_RATIO && resolve200.p99 <= TARGET_P99_MS ? 'bench/pointers: targets met' : 'bench/pointers: targets NOT met');
