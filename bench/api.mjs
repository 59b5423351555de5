// bench/api: `GET /model-versions/{id}` of the real API on PostgreSQL (auth, tenant scoping, an
// indexed read of one of 256 versions picked at random per request, serialization) against a bare
// Fastify hello-world, both started in this run, each in its own process, measured one after the
// other with autocannon (64 connections, ~10 s each). Prints both req/s, the ratio and p99.
// Targets on a 2-core machine: ratio ≥ 0.30, p99 ≤ 25 ms.
//
//   pnpm bench:api                   (builds first)   or   node bench/api.mjs   (from source via tsx)
//   FTM_BENCH_DATABASE_URL=postgres://… to use another server; BENCH_DURATION=<s> to change 10 s.
//   Rate limiting is on as in `ftm api` (every request counted against its key, quotas too large
//   to be reached); BENCH_RATE_LIMIT=off measures without it.
import { measure, printRows, withChild } from './support/http-bench.mjs';

const TARGET_RATIO = 0.3;
const TARGET_P99_MS = 25;

const baseline = await withChild('bench/bare-fastify.mjs', (info) => measure('bare fastify', { url: `${info.url}/hello`, headers: {} }));
const ftm = await withChild('bench/api-server.mjs', (info) =>
  measure('ftm GET /model-versions/{id}', { url: info.url, headers: { authorization: `Bearer ${info.key}` }, paths: info.ids.map((id) => `/model-versions/${id}`) }),
);

const ratio = ftm.rps / baseline.rps;
printRows([baseline, ftm]);
console.log(`rate limiting ${process.env.BENCH_RATE_LIMIT === 'off' ? 'off' : 'on (per-key quota counted on every request)'}`);
console.log(`ratio ${ratio.toFixed(2)} (target ≥ ${TARGET_RATIO})   ftm p99 ${ftm.p99} ms (target ≤ ${TARGET_P99_MS} ms)`);
console.log(ratio >= TARGET_RATIO && ftm.p99 <= TARGET_P99_MS ? 'bench/api: targets met' : 'bench/api: targets NOT met');
