// The worker side of bench/webhooks: the real worker runtime (outbox relay + outbox.dispatch and
// webhook.deliver jobs) on the queue it is told. Env: BENCH_DATABASE_URL, BENCH_QUEUE (local|redis),
// BENCH_REDIS_URL, BENCH_PREFIX, BENCH_CONCURRENCY. Prints `ready`; drains on SIGTERM.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const entry = (pkg) =>
  !process.env.BENCH_FROM_SOURCE && existsSync(join(ROOT, `packages/${pkg}/dist/index.js`)) ? join(ROOT, `packages/${pkg}/dist/index.js`) : join(ROOT, `packages/${pkg}/src/index.ts`);
const core = await import(entry('core'));
const workerPkg = await import(entry('worker'));

const env = process.env;
const url = env.BENCH_DATABASE_URL;
const concurrency = Number(env.BENCH_CONCURRENCY ?? 24);
// More connections than concurrent jobs: a fan-out waits on the relay's row locks, never on the pool.
const database = core.openPostgres({ connectionString: url, maxConnections: concurrency + 8 });
const queue =
  env.BENCH_QUEUE === 'redis'
    ? core.openQueue({ type: 'redis', url: env.BENCH_REDIS_URL, prefix: env.BENCH_PREFIX })
    : core.openQueue({ type: 'local', database, url, local: { pollIntervalMs: 100 } });
const webhooks = core.createWebhooksService(core.createWebhookDeps({ db: database.db, queue, settings: { destinationAllowlist: ['127.0.0.1'] } }));
const worker = workerPkg.createWorker({
  queue,
  jobs: [workerPkg.outboxDispatchJob, workerPkg.webhookDeliverJob],
  handlers: workerPkg.webhookJobHandlers(webhooks),
  concurrency,
  // The relay's defaults, as `ftm worker` runs it (batch size, idle and busy polling intervals).
  outbox: { database },
});
const sweeper = new core.WebhookSweeper(webhooks.deps);
worker.start();
sweeper.start();
workerPkg.installSignalHandlers(worker, {
  drainTimeoutMs: 5_000,
  exit: (code) => {
    void sweeper
      .stop()
      .then(() => Promise.allSettled([queue.close(), database.close()]))
      .then(() => process.exit(code));
  },
});
process.stdout.write('ready\n');
