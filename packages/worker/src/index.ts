export {
  defineJob,
  type JobContext,
  type JobDefinition,
  type JobHandlerOf,
  type JobPayload,
  type JobRetry,
  type HandlersFor,
  outboxDispatchJob,
  webhookDeliverJob,
  ftJobSubmitJob,
  ftJobPollJob,
  ftJobSweepJob,
  FT_JOB_SWEEP,
  evalRunJob,
  datasetBuildJob,
} from '@ftm/core';
export { createWorker, type CreateWorkerOptions, type FtmWorker, type WorkerOutboxOptions } from './create-worker.js';
export { classifyJobError, JobTimeoutError, toQueueHandler, type JobFinished } from './run-job.js';
export { traceJobHandler } from './job-tracing.js';
export { installSignalHandlers, type SignalHandlerOptions } from './signal-handlers.js';
export { webhookJobHandlers } from './jobs/webhook-job-handlers.js';
export { ftJobHandlers, startFtJobSweeper, type FtJobSweeper, type StartFtJobSweeperOptions } from './jobs/ft-job-handlers.js';
export { evalRunJobHandlers } from './jobs/eval-job-handlers.js';
export { datasetJobHandlers, startDatasetSweeper, type DatasetSweeper } from './jobs/dataset-job-handlers.js';
export { startReEvalScheduler, type StartReEvalSchedulerOptions } from './jobs/start-re-eval-scheduler.js';
