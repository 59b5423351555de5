import { createWebhookDeps, createWebhookService, defaultFtmMetrics, LazyRecordProcessor, type Ftm, type FtmMetrics } from '@ftm/core';
import { createWorker, datasetBuildJob, datasetJobHandlers, outboxDispatchJob, startDatasetSweeper, webhookDeliverJob, webhookJobHandlers, type FtmWorker } from '@ftm/worker';
import type { FtmConfig } from '../config.js';

/**
 * The worker of this process: the outbox relay plus the job catalog the worker package ships
 * (event dispatch and webhook delivery). Started, not yet draining. Job durations and webhook
 * outcomes go to `metrics` (the process's, which `/metrics` serves in `ftm start`).
 */
export function startWorker(ftm: Ftm, config: FtmConfig, metrics: FtmMetrics = defaultFtmMetrics()): FtmWorker {
  const webhooks = createWebhookService(
    createWebhookDeps({
      db: ftm.database.db,
      queue: ftm.queue,
      clock: ftm.clock,
      ids: ftm.ids,
      logger: ftm.logger,
      settings: { signingKey: config.webhookSigningKey ?? null, allowPrivateDestinations: config.env === 'dev' },
      onAttemptResult: (result) => metrics.webhookAttempts.inc({ outcome: result.kind }),
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
    onJobFinished: (e) => metrics.jobDuration.observe({ job: e.name, outcome: e.outcome }, e.durationMs / 1000),
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
