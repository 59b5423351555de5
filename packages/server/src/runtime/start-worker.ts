import { createWebhookDeps, createWebhookService, type Ftm } from '@ftm/core';
import { createWorker, outboxDispatchJob, webhookDeliverJob, webhookJobHandlers, type FtmWorker } from '@ftm/worker';
import type { FtmConfig } from '../config.js';

/**
 * The worker of this process: the outbox relay plus the job catalog the worker package ships
 * (event dispatch and webhook delivery). Started, not yet draining.
 */
export function startWorker(ftm: Ftm, config: FtmConfig): FtmWorker {
  const webhooks = createWebhookService(
    createWebhookDeps({
      db: ftm.database.db,
      queue: ftm.queue,
      clock: ftm.clock,
      ids: ftm.ids,
      logger: ftm.logger,
      settings: { signingKey: config.webhookSigningKey ?? null, allowPrivateDestinations: config.env === 'dev' },
    }),
  );
  const worker = createWorker({
    queue: ftm.queue,
    jobs: [outboxDispatchJob, webhookDeliverJob],
    handlers: webhookJobHandlers(webhooks),
    outbox: { database: ftm.database },
    logger: ftm.logger,
  });
  worker.start();
  return worker;
}
