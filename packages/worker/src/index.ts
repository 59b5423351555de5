export {
  defineJob,
  type JobContext,
  type JobDefinition,
  type JobHandlerOf,
  type JobPayload,
  type JobRetry,
  type HandlersFor,
} from './job-catalog.js';
export { enqueueJob } from './enqueue-job.js';
export { createWorker, type CreateWorkerOptions, type FtmWorker, type WorkerOutboxOptions } from './create-worker.js';
export { classifyJobError, JobTimeoutError, toQueueHandler, type JobFinished } from './run-job.js';
export { traceJobHandler } from './job-tracing.js';
export { installSignalHandlers, type SignalHandlerOptions } from './signal-handlers.js';
export { outboxDispatchJob } from './jobs/outbox-dispatch-job.js';
export { webhookDeliverJob, webhookJobHandlers } from './jobs/webhook-jobs.js';
export { ftJobSubmitJob, ftJobPollJob, ftJobSweepJob, ftJobHandlers, scheduleFtJobSweep, FT_JOB_SWEEP } from './jobs/ft-job-jobs.js';
export { evalRunJob, evalRunJobHandlers } from './jobs/eval-run-job.js';
export { datasetBuildJob, datasetJobHandlers, startDatasetSweeper, type DatasetSweeper } from './jobs/dataset-jobs.js';
export { startReEvalScheduler, type StartReEvalSchedulerOptions } from './jobs/start-re-eval-scheduler.js';
