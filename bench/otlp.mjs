// bench/otlp: span ingestion of FTM's OTLP receiver (`POST /otlp/v1/traces`: API-key auth, decode,
// GenAI span extraction, sanitization, batched inserts into PostgreSQL) against a bare Fastify route
// that only parses the same bodies, both started in this run, each in its own process, protobuf and
// JSON, measured one after the other with autocannon (16 connections, ~10 s each, after a 2 s
// warm-up). Each body is what the OpenTelemetry SDK's exporters send: 100 spans, half of them GenAI
// chat spans, with trace ids of its own. Then FTM ingests 1,000,000 spans (protobuf) while its
// RSS and heap (after a full GC) are read every 100,000 spans: flat memory means nothing per span
// is kept. Prints spans/s, ratios (target ≥ 0.5) and the memory series.
//
//   pnpm bench:otlp                  (builds first)   or   node bench/otlp.mjs   (from source via tsx)
//   BENCH_DURATION=<s> changes 10 s; BENCH_MEMORY_SPANS=<n> changes 1,000,000; run under
//   `flock /tmp/ftm-bench.lock` on a shared machine.
import autocannon from 'autocannon';
import { DURATION, startChild, stop } from './support/http-bench.mjs';
import { otlpBenchBodies, SPANS_PER_REQUEST } from './support/otlp-bench-bodies.mjs';

const TARGET_RATIO = 0.5;
const CONNECTIONS = 16;
const MEMORY_SPANS = Number(process.env.BENCH_MEMORY_SPANS ?? 1_000_000);
const CONTENT_TYPES = { protobuf: 'application/x-protobuf', json: 'application/json' };

const bodies = await otlpBenchBodies();

function target(info, encoding) {
  const headers = { 'content-type': CONTENT_TYPES[encoding], ...(info.key ? { authorization: `Bearer ${info.key}` } : {}) };
  return { url: `${info.url}/otlp/v1/traces`, method: 'POST', headers, requests: [{ setupRequest: (req) => ({ ...req, body: bodies.next(encoding) }) }] };
}

function run(options, onResponse) {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ connections: CONNECTIONS, ...options }, (error, result) => (error ? reject(error) : resolve(result)));
    if (onResponse) instance.on('response', onResponse);
  });
}

/** Spans/s of one server and encoding: a 2 s warm-up, then the measured run; every answer must be 2xx. */
async function measure(label, info, encoding) {
  await run({ ...target(info, encoding), duration: 2 });
  const r = await run({ ...target(info, encoding), duration: DURATION });
  const bad = r.requests.total - r['2xx'] + r.errors + r.timeouts;
  if (bad > 0) throw new Error(`${label}: ${bad} unexpected responses (2xx ${r['2xx']}, non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts})`);
  return { label, spansPerSecond: r.requests.average * SPANS_PER_REQUEST, p99: r.latency.p99, requests: r.requests.total };
}

const memoryOf = async (info) => (await fetch(info.memory)).json();
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(0).padStart(5);

async function withServer(script, fn) {
  const { child, info } = await startChild(script);
  try {
    return await fn(info);
  } finally {
    await stop(child);
  }
}

const baseline = await withServer('bench/otlp-bare.mjs', async (info) => ({
  protobuf: await measure('bare fastify, parse only (protobuf)', info, 'protobuf'),
  json: await measure('bare fastify, parse only (json)', info, 'json'),
}));

const { ftm, memory } = await withServer('bench/otlp-server.mjs', async (info) => {
  const measured = { protobuf: await measure('ftm receiver (protobuf)', info, 'protobuf'), json: await measure('ftm receiver (json)', info, 'json') };
  // Memory over MEMORY_SPANS more spans, read every 10% of the way (in the background, so reads never stall the load).
  const series = [{ spans: 0, ...(await memoryOf(info)) }];
  const step = MEMORY_SPANS / 10;
  let spans = 0;
  let nextMark = step;
  const pending = [];
  const started = Date.now();
  const r = await run({ ...target(info, 'protobuf'), amount: MEMORY_SPANS / SPANS_PER_REQUEST }, (_client, status) => {
    if (status !== 200) return;
    spans += SPANS_PER_REQUEST;
    if (spans >= nextMark) {
      const at = spans;
      nextMark += step;
      pending.push(memoryOf(info).then((m) => series.push({ spans: at, ...m })));
    }
  });
  await Promise.all(pending);
  if (r['2xx'] !== MEMORY_SPANS / SPANS_PER_REQUEST) throw new Error(`memory run: only ${r['2xx']} of ${MEMORY_SPANS / SPANS_PER_REQUEST} requests answered 2xx`);
  series.sort((a, b) => a.spans - b.spans);
  return { ftm: measured, memory: { series, seconds: (Date.now() - started) / 1000 } };
});

console.log(`bodies: ${SPANS_PER_REQUEST} spans each (half GenAI chat), protobuf ${bodies.sizes.protobuf} B, json ${bodies.sizes.json} B; ${CONNECTIONS} connections, ${DURATION} s`);
for (const row of [baseline.protobuf, baseline.json, ftm.protobuf, ftm.json]) {
  console.log(`${row.label.padEnd(38)} ${row.spansPerSecond.toFixed(0).padStart(8)} spans/s   p99 ${String(row.p99).padStart(4)} ms   (${row.requests} requests)`);
}
const ratios = { protobuf: ftm.protobuf.spansPerSecond / baseline.protobuf.spansPerSecond, json: ftm.json.spansPerSecond / baseline.json.spansPerSecond };
console.log(`ratio protobuf ${ratios.protobuf.toFixed(2)}   json ${ratios.json.toFixed(2)}   (target ≥ ${TARGET_RATIO})`);
console.log(`memory of the FTM process over ${MEMORY_SPANS.toLocaleString('en')} spans (${memory.seconds.toFixed(0)} s), after a full GC:`);
for (const m of memory.series) console.log(`  ${m.spans.toLocaleString('en').padStart(10)} spans   rss ${mb(m.rss)} MB   heap ${mb(m.heapUsed)} MB   external ${mb(m.external)} MB`);
const after = memory.series.slice(1);
const heapGrowth = after.at(-1).heapUsed - after[0].heapUsed;
const flat = heapGrowth < 32 * 1024 * 1024;
console.log(`heap from the first to the last reading: ${heapGrowth >= 0 ? '+' : ''}${(heapGrowth / 1024 / 1024).toFixed(1)} MB (${flat ? 'flat' : 'growing'})`);
console.log(ratios.protobuf >= TARGET_RATIO && ratios.json >= TARGET_RATIO && flat ? 'bench/otlp: targets met' : 'bench/otlp: targets NOT met');
