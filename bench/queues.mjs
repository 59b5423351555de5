// bench/queues: enqueue-and-consume throughput of the FTM queue adapters on Redis (BullMqQueue),
// RabbitMQ and SQS (BrokerQueue, ledger on PostgreSQL), each against its raw client doing the same
// sends and acknowledged receives in the same run:
//   redis   raw BullMQ: Queue.add with the adapter's job options, a Worker with the same concurrency
//   rabbit  raw amqplib: persistent sendToQueue on a confirm channel (awaiting each confirm), one
//           consumer with the same prefetch, ack after the handler
//   sqs     raw @aws-sdk/client-sqs against fauxqs (in this process): SendMessage, long-poll
//           ReceiveMessage (up to 10, as many as free slots), DeleteMessage after the handler
// One job is: a producer with SEND_CONCURRENCY sends in flight awaits each send; a consumer with
// CONCURRENCY handlers runs a no-op handler and acknowledges. The clock runs from the first send
// to the last acknowledgement (the adapter's stop() drains its settles). Each pair is measured
// ROUNDS times, alternating raw and adapter; the best of each is kept. Prints jobs/s and the
// ratio adapter/raw. Target ≥ 0.5× raw. Never asserted in tests; run under the bench lock:
//
//   flock /tmp/ftm-bench.lock pnpm bench:queues
//   BENCH_JOBS=<n> (default 4000, sqs 1000)  BENCH_QUEUES=redis,rabbit,sqs  BENCH_ROUNDS=<n> (default 3)
//   FTM_BENCH_DATABASE_URL=postgres://…  FTM_BENCH_REDIS_URL=redis://…  FTM_BENCH_RABBIT_URL=amqp://…
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createBenchDatabase } from './support/bench-database.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const built = !process.env.BENCH_FROM_SOURCE && existsSync(join(ROOT, 'packages/core/dist/index.js'));
if (!built && !process.env.BENCH_UNDER_TSX) {
  const run = spawnSync(process.execPath, ['--conditions=ftm-source', '--import', 'tsx', fileURLToPath(import.meta.url)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_UNDER_TSX: '1' },
  });
  process.exit(run.status ?? 1);
}
const core = await import(join(ROOT, built ? 'packages/core/dist/index.js' : 'packages/core/src/index.ts'));
const CORE_DIR = join(ROOT, 'packages/core');
const requireCore = createRequire(join(CORE_DIR, 'package.json'));
/** An ESM-only package of @ftm/core's dependencies (fauxqs). */
const importCoreEsm = (name) => {
  const dir = join(CORE_DIR, 'node_modules', name);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const entry = manifest.exports?.['.']?.import?.default ?? manifest.exports?.['.']?.import ?? manifest.main;
  return import(pathToFileURL(join(dir, entry)).href);
};
const amqplib = requireCore('amqplib');
const sqs = requireCore('@aws-sdk/client-sqs');
const bullmq = requireCore('bullmq');
const { Redis } = requireCore('ioredis');
const { startFauxqs } = await importCoreEsm('fauxqs');

/** Jobs per run: SQS (HTTP per message, emulated in this process) is an order of magnitude slower. */
const DEFAULT_JOBS = { redis: 4_000, rabbit: 4_000, sqs: 1_000 };
let JOBS = 0;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = 16;
const SEND_CONCURRENCY = 16;
const TARGET = 0.5;
const QUEUES = (process.env.BENCH_QUEUES ?? 'redis,rabbit,sqs').split(',');
const REDIS_URL = process.env.FTM_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const RABBIT_URL = process.env.FTM_BENCH_RABBIT_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const SQS_CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const JOB_NAME = 'bench';
const payload = (i) => ({ i, note: 'x'.repeat(200) });
const prefix = () => `ftm-bench-${randomBytes(5).toString('hex')}`;

/** Runs `send(i)` for every job with SEND_CONCURRENCY in flight. */
async function produce(send) {
  let next = 0;
  await Promise.all(
    Array.from({ length: SEND_CONCURRENCY }, async () => {
      while (next < JOBS) await send(next++);
    }),
  );
}

/** A promise resolved when `count()` reaches JOBS, and the counter to call per acknowledged job. */
function completion() {
  let done = 0;
  let resolve;
  const all = new Promise((r) => (resolve = r));
  return { all, ack: () => ++done === JOBS && resolve() };
}

/** Measures one run: `start` subscribes and returns { send, finish } (finish awaits the last acks). */
async function timed(start) {
  const { all, ack } = completion();
  const run = await start(ack);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await Promise.all([produce(run.send), all]);
  await run.finish();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await run.close?.();
  return { rate: (JOBS / ms) * 1000, cpuUsPerJob: (cpu.user + cpu.system) / JOBS };
}

// --- adapter runs (the Queue port) -------------------------------------------------------------
function adapterRun(open) {
  return timed(async (ack) => {
    const queue = open();
    queue.consume({ [JOB_NAME]: async () => void ack() }, { concurrency: CONCURRENCY });
    await new Promise((r) => setTimeout(r, 200)); // subscribed before the clock starts, as the raw consumers are
    return {
      send: (i) => queue.enqueue(JOB_NAME, payload(i)),
      finish: () => queue.stop(5_000),
      close: async () => {
        await queue.obliterate?.();
        await queue.close();
      },
    };
  });
}

// --- raw runs -----------------------------------------------------------------------------------
function rawBullmq() {
  return timed(async (ack) => {
    const p = prefix();
    const producer = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
    const consumer = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new bullmq.Queue('ftm', { connection: producer, prefix: p });
    let acked = 0;
    const worker = new bullmq.Worker('ftm', async () => {}, { connection: consumer, prefix: p, concurrency: CONCURRENCY, lockDuration: 30_000 });
    worker.on('completed', () => {
      acked += 1;
      ack();
    });
    await worker.waitUntilReady();
    return {
      send: (i) =>
        queue.add(JOB_NAME, payload(i), {
          jobId: randomUUID(),
          attempts: 5,
          backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 },
          removeOnComplete: true,
          removeOnFail: { age: 30 * 24 * 3600 },
        }),
      finish: () => worker.close(),
      close: async () => {
        await queue.obliterate({ force: true });
        await queue.close();
        producer.disconnect();
        consumer.disconnect();
        if (acked !== JOBS) throw new Error(`raw bullmq completed ${acked} of ${JOBS}`);
      },
    };
  });
}

function rawRabbit() {
  return timed(async (ack) => {
    const name = `${prefix()}.${JOB_NAME}`;
    const pub = await amqplib.connect(RABBIT_URL);
    const sub = await amqplib.connect(RABBIT_URL);
    const confirm = await pub.createConfirmChannel();
    await confirm.assertQueue(name, { durable: true });
    const channel = await sub.createChannel();
    await channel.prefetch(CONCURRENCY, false);
    const { consumerTag } = await channel.consume(
      name,
      (message) => {
        JSON.parse(message.content.toString('utf8'));
        channel.ack(message);
        ack();
      },
      { noAck: false },
    );
    return {
      send: (i) =>
        new Promise((resolve, reject) =>
          confirm.sendToQueue(name, Buffer.from(JSON.stringify(payload(i))), { persistent: true, mandatory: true, contentType: 'application/json', messageId: randomUUID() }, (error) =>
            error ? reject(error) : resolve(),
          ),
        ),
      finish: () => channel.cancel(consumerTag),
      close: async () => {
        await confirm.deleteQueue(name);
        await sub.close();
        await pub.close();
      },
    };
  });
}

function rawSqs(endpoint) {
  return timed(async (ack) => {
    const client = new sqs.SQSClient({ endpoint, region: 'us-east-1', credentials: SQS_CREDENTIALS, maxAttempts: 3 });
    const { QueueUrl } = await client.send(new sqs.CreateQueueCommand({ QueueName: `${prefix()}-${JOB_NAME}` }));
    const controller = new AbortController();
    let held = 0;
    let slotFreed = () => {};
    const running = new Set();
    const handle = async (m) => {
      JSON.parse(m.Body);
      await client.send(new sqs.DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
      held -= 1;
      slotFreed();
      ack();
    };
    const poll = (async () => {
      while (!controller.signal.aborted) {
        if (held >= CONCURRENCY) {
          await new Promise((r) => (slotFreed = r));
          continue;
        }
        try {
          const { Messages = [] } = await client.send(new sqs.ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: Math.min(10, CONCURRENCY - held), WaitTimeSeconds: 20, VisibilityTimeout: 30 }), {
            abortSignal: controller.signal,
          });
          for (const m of Messages) {
            held += 1;
            const work = handle(m);
            running.add(work);
            void work.finally(() => running.delete(work));
          }
        } catch (error) {
          if (!controller.signal.aborted) throw error;
        }
      }
    })();
    return {
      send: (i) => client.send(new sqs.SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(payload(i)) })),
      finish: async () => {
        controller.abort();
        slotFreed();
        await Promise.all([poll, ...running]);
      },
      close: async () => {
        await client.send(new sqs.DeleteQueueCommand({ QueueUrl }));
        client.destroy();
      },
    };
  });
}

// --- the run ------------------------------------------------------------------------------------
const benchDatabase = await createBenchDatabase();
const database = core.openPostgres({ connectionString: benchDatabase.url });
await database.migrate();
const emulator = QUEUES.includes('sqs') ? await startFauxqs({ port: 0, logger: false }) : undefined;

const pairs = {
  redis: { raw: rawBullmq, adapter: () => adapterRun(() => new core.BullMqQueue({ url: REDIS_URL, prefix: prefix() })) },
  rabbit: {
    raw: rawRabbit,
    adapter: () =>
      adapterRun(() => {
        const p = prefix();
        return new core.BrokerQueue(new core.RabbitBroker({ url: RABBIT_URL, prefix: p }), database, { name: p });
      }),
  },
  sqs: {
    raw: () => rawSqs(emulator.address),
    adapter: () =>
      adapterRun(() => {
        const p = prefix();
        return new core.BrokerQueue(new core.SqsBroker({ location: { endpoint: emulator.address }, prefix: p, credentials: SQS_CREDENTIALS }), database, { name: p });
      }),
  },
};

const rows = [];
try {
  console.log(`bench/queues: ${SEND_CONCURRENCY} sends in flight, consumer concurrency ${CONCURRENCY}, best of ${ROUNDS}`);
  for (const name of QUEUES) {
    const pair = pairs[name];
    if (!pair) throw new Error(`unknown queue ${name} (redis, rabbit, sqs)`);
    JOBS = Number(process.env.BENCH_JOBS ?? DEFAULT_JOBS[name]);
    const best = (a, b) => (!a || b.rate > a.rate ? b : a);
    let raw;
    let adapter;
    for (let round = 0; round < ROUNDS; round++) {
      raw = best(raw, await pair.raw());
      adapter = best(adapter, await pair.adapter());
    }
    const ratio = adapter.rate / raw.rate;
    rows.push({ name, ratio });
    console.log(
      `${name.padEnd(7)} ${String(JOBS).padStart(5)} jobs   raw ${raw.rate.toFixed(0).padStart(6)} jobs/s (${raw.cpuUsPerJob.toFixed(0)} µs CPU/job)   ` +
        `ftm ${adapter.rate.toFixed(0).padStart(6)} jobs/s (${adapter.cpuUsPerJob.toFixed(0)} µs CPU/job)   ratio ${ratio.toFixed(2)}`,
    );
  }
} finally {
  await emulator?.stop();
  await database.close();
  await benchDatabase.drop();
}
const met = rows.every((r) => r.ratio >= TARGET);
console.log(met ? `bench/queues: every ratio ≥ ${TARGET}: target met` : `bench/queues: a ratio is below ${TARGET}: target NOT met`);
