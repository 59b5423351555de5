import { createWebhookDeps, createWebhookService, LazyRecordProcessor, type Ftm } from '@ftm/core';
import { createWorker, datasetBuildJob, datasetJobHandlers, outboxDispatchJob, startDatasetSweeper, webhookDeliverJob, webhookJobHandlers, type FtmWorker } from '@ftm/worker';
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
  // One thread pool per process for dataset builds, started by the first build.
  const recordProcessor = new LazyRecordProcessor();
  const worker = createWorker({
    queue: ftm.queue,
    jobs: [outboxDispatchJob, webhookDeliverJob, datasetBuildJob],
    handlers: { ...webhookJobHandlers(webhooks), ...datasetJobHandlers(ftm.datasets, recordProcessor) },
    outbox: { database: ftm.database },
    logger: ftm.logger,
  });
  worker.start();
  const datasetSweeper = startDatasetSweeper(ftm.datasets, { logger: ftm.logger });
  return {
    start: () => worker.start(),
    stop: async (drainTimeoutMs) => {
      await datasetSweeper.stop();
      await worker.stop(drainTimeoutMs);
      await recordProcessor.close();
    },
  };
}
