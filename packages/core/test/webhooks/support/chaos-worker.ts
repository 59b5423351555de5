/**
 * A worker process for the webhook chaos test: the real worker runtime (outbox relay, the local
 * PostgreSQL queue, the webhook jobs) plus the delivery sweeper. Env: FTM_CHAOS_DATABASE_URL.
 */
import { openPostgres } from '../../../src/db/open-database.js';
import { openQueue } from '../../../src/adapters/open-queue.js';
import { createWebhookDeps } from '../../../src/webhooks/webhook-deps.js';
import { createWebhooksService } from '../../../src/webhooks/webhooks-service.js';
import { WebhookSweeper } from '../../../src/webhooks/webhook-sweep-loop.js';
import { createWorker, installSignalHandlers, outboxDispatchJob, webhookDeliverJob, webhookJobHandlers } from '../../../../worker/src/index.js';
import { CHAOS_VISIBILITY_TIMEOUT_MS, CHAOS_WEBHOOK_SETTINGS } from './chaos-settings.js';

const url = process.env.FTM_CHAOS_DATABASE_URL!;
// More connections than concurrent jobs: a fan-out's insert waits on the relay's row locks
// (see the report on relayOutbox), and it must not wait for a connection the relay needs too.
const database = openPostgres({ connectionString: url, maxConnections: 30 });
const queue = openQueue({ type: 'local', database, url, local: { pollIntervalMs: 50 } });
const webhooks = createWebhooksService(createWebhookDeps({ db: database.db, queue, settings: CHAOS_WEBHOOK_SETTINGS }));
const sweeper = new WebhookSweeper(webhooks.deps, { intervalMs: 200 });

const worker = createWorker({
  queue,
  jobs: [outboxDispatchJob, webhookDeliverJob],
  handlers: webhookJobHandlers(webhooks),
  concurrency: 16,
  visibilityTimeoutMs: CHAOS_VISIBILITY_TIMEOUT_MS,
  outbox: { database, intervalMs: 20, batchSize: 50 },
});
worker.start();
sweeper.start();
installSignalHandlers(worker, {
  drainTimeoutMs: 5_000,
  exit: (code) => {
    void sweeper
      .stop()
      .then(() => Promise.allSettled([queue.close(), database.close()]))
      .then(() => process.exit(code));
  },
});
process.stdout.write('ready\n');
