import {
  AuditForwarder,
  datasetBuildJob,
  defaultFtmMetrics,
  evalRunJob,
  ftJobPollJob,
  ftJobSubmitJob,
  ftJobSweepJob,
  LazyRecordProcessor,
  OrchestratorAuditClient,
  outboxDispatchJob,
  PeriodicTask,
  WebhookSweeper,
  webhookDeliverJob,
  type Ftm,
  type FtmMetrics,
} from '@ftm/core';
import { createWorker, evalRunJobHandlers, datasetJobHandlers, ftJobHandlers, startDatasetSweeper, startFtJobSweeper, startReEvalScheduler, webhookJobHandlers, type FtmWorker } from '@ftm/worker';
import type { Tracer } from '@opentelemetry/api';
import type { FtmConfig } from '../config.js';

/** The job catalog every FTM worker consumes. */
const WORKER_JOBS = [outboxDispatchJob, webhookDeliverJob, datasetBuildJob, ftJobSubmitJob, ftJobPollJob, ftJobSweepJob, evalRunJob] as const;
export const WORKER_JOB_NAMES: readonly string[] = WORKER_JOBS.map((job) => job.name);

const EVAL_SWEEP_EVERY_MS = 60_000;
const EVAL_STALE_AFTER_MS = 10 * 60_000;
const SPAN_PURGE_EVERY_MS = 60 * 60_000;
const DAY_MS = 24 * 60 * 60_000;

/**
 * The worker of this process: the outbox relay plus the job catalog the worker package ships
 * (event dispatch and webhook delivery). Started, not yet draining. Job durations and webhook
 * outcomes go to `metrics` (the process's, which `/metrics` serves in `ftm start`); with a
 * `tracer`, each job attempt is a span.
 */
export function startWorker(ftm: Ftm, config: FtmConfig, metrics: FtmMetrics = defaultFtmMetrics(), tracer?: Tracer): FtmWorker {
  // One thread pool per process for dataset builds, started by the first build.
  const recordProcessor = new LazyRecordProcessor();
  const worker = createWorker({
    queue: ftm.queue,
    jobs: WORKER_JOBS,
    handlers: {
      ...webhookJobHandlers(ftm.webhooks),
      ...datasetJobHandlers(ftm.datasets, recordProcessor, { dedupMemoryBytes: config.datasetDedupMemoryBytes }),
      ...ftJobHandlers(ftm.fineTuning),
      ...evalRunJobHandlers(ftm.evals, (tenantId) => ftm.systemContext(tenantId)),
    },
    outbox: { database: ftm.database },
    logger: ftm.logger,
    onJobFinished: (e) => {
      const seconds = e.durationMs / 1000;
      metrics.jobDuration.observe({ job_name: e.name, outcome: e.outcome }, seconds);
      // Whole builds and runs, on buckets up to hours (the job histogram stops at 15 minutes).
      if (e.name === datasetBuildJob.name) metrics.datasetBuildDuration.observe({ outcome: e.outcome }, seconds);
      else if (e.name === evalRunJob.name) metrics.evalRunDuration.observe({ outcome: e.outcome }, seconds);
    },
    tracer,
    concurrency: config.workerConcurrency,
  });
  worker.start();
  // Lost fine-tuning submissions and polls, pending PRISM approvals: once a minute, on the holder of the ft_job_sweep lease.
  const ftJobSweeper = startFtJobSweeper(ftm.fineTuning, { database: ftm.database, clock: ftm.clock, logger: ftm.logger });
  const datasetSweeper = startDatasetSweeper(ftm.datasets, { logger: ftm.logger });
  // Deliveries whose queue job or worker was lost are picked up again.
  const webhookSweeper = new WebhookSweeper(ftm.webhooks.deps);
  webhookSweeper.start();
  // The audit trail goes to the Orchestrator too when one is configured; an outage only delays it.
  const auditForwarder = config.orchestrator
    ? new AuditForwarder({ database: ftm.database, sink: new OrchestratorAuditClient({ baseUrl: config.orchestrator.url, apiKey: config.orchestrator.apiKey }), clock: ftm.clock, logger: ftm.logger })
    : undefined;
  auditForwarder?.start();
  // Monitoring: every worker runs the loop; the re_eval_scheduler lease makes one of them the leader.
  // The leader also runs the retirement watch (FTM_RETIREMENT_WARNING_DAYS), hourly.
  const reEvalScheduler = startReEvalScheduler(ftm.promotions, { logger: ftm.logger, retirementWarningDays: config.retirementWarningDays });
  // Runs whose job was lost (enqueue failed, worker died past its retries) go back on the queue;
  // a resumed run skips the cases it already finished.
  const evalSweep = new PeriodicTask({
    name: 'eval run sweep',
    intervalMs: EVAL_SWEEP_EVERY_MS,
    run: async () => {
      await ftm.evals.requeueStale(EVAL_STALE_AFTER_MS, ftm.clock.now());
    },
    onError: (error) => ftm.logger.warn({ err: error }, 'eval run sweep failed'),
  });
  evalSweep.start();
  // Retention of received GenAI spans (FTM_OTLP_RETENTION_DAYS; 0 keeps them): an hourly purge.
  const spanPurge = new PeriodicTask({
    name: 'GenAI span purge',
    intervalMs: SPAN_PURGE_EVERY_MS,
    run: async () => {
      const cutOff = new Date(ftm.clock.now().getTime() - config.otlp.retentionDays * DAY_MS);
      const deleted = await ftm.genAiSpans.purgeExpired(cutOff);
      if (deleted > 0) ftm.logger.info({ deleted, retention_days: config.otlp.retentionDays }, 'expired GenAI spans purged');
    },
    onError: (error) => ftm.logger.warn({ err: error }, 'GenAI span purge failed'),
  });
  if (config.otlp.retentionDays !== 0) spanPurge.start();
  return {
    start: () => worker.start(),
    stop: async (drainTimeoutMs) => {
      await evalSweep.stop();
      await spanPurge.stop();
      await ftJobSweeper.stop();
      await datasetSweeper.stop();
      await webhookSweeper.stop();
      await auditForwarder?.stop();
      await reEvalScheduler.stop();
      await worker.stop(drainTimeoutMs);
      await recordProcessor.close();
    },
  };
}
