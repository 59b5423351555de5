import { createWebhookDeps, createWebhookService, defaultFtmMetrics, LazyRecordProcessor, type Ftm, type FtmMetrics } from '@ftm/core';
import { createWorker, evalRunJob, evalRunJobHandlers, datasetBuildJob, datasetJobHandlers, ftJobHandlers, ftJobPollJob, ftJobSubmitJob, ftJobSweepJob, scheduleFtJobSweep, outboxDispatchJob, startDatasetSweeper, webhookDeliverJob, webhookJobHandlers, type FtmWorker } from '@ftm/worker';
import type { FtmConfig } from '../config.js';

const EVAL_SWEEP_EVERY_MS = 60_000;
const EVAL_STALE_AFTER_MS = 10 * 60_000;

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
    jobs: [outboxDispatchJob, webhookDeliverJob, datasetBuildJob, ftJobSubmitJob, ftJobPollJob, ftJobSweepJob, evalRunJob],
    handlers: { ...webhookJobHandlers(webhooks), ...datasetJobHandlers(ftm.datasets, recordProcessor), ...ftJobHandlers(ftm.fineTuning, ftm.queue), ...evalRunJobHandlers(ftm.evals, (tenantId) => ftm.systemContext(tenantId)) },
    outbox: { database: ftm.database },
    logger: ftm.logger,
    onJobFinished: (e) => metrics.jobDuration.observe({ job: e.name, outcome: e.outcome }, e.durationMs / 1000),
  });
  worker.start();
  // The sweep re-enqueues itself; one seed per start is deduplicated by its time-bucketed job id.
  void scheduleFtJobSweep(ftm.queue).catch((error: unknown) => ftm.logger.warn({ err: error }, 'could not schedule the fine-tuning sweep'));
  const datasetSweeper = startDatasetSweeper(ftm.datasets, { logger: ftm.logger });
  // Runs whose job was lost (enqueue failed, worker died past its retries) go back on the queue;
  // a resumed run skips the cases it already finished.
  const evalSweep = setInterval(() => {
    ftm.evals.requeueStale(EVAL_STALE_AFTER_MS, ftm.clock.now()).catch((error: unknown) => ftm.logger.warn({ err: error }, 'eval run sweep failed'));
  }, EVAL_SWEEP_EVERY_MS).unref();
  return {
    start: () => worker.start(),
    stop: async (drainTimeoutMs) => {
      clearInterval(evalSweep);
      await datasetSweeper.stop();
      await worker.stop(drainTimeoutMs);
      await recordProcessor.close();
    },
  };
}
