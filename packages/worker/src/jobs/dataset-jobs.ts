import { DATASET_BUILD_JOB, DatasetBuildJobPayload, PeriodicTask, type DatasetsService, type DatasetSweepOptions, type Logger, type RecordProcessor } from '@ftm/core';
import { defineJob, type JobHandlerOf } from '../job-catalog.js';

/**
 * Builds one dataset version (job id: the dataset id). Dependency outages are retried; on the last
 * attempt, and for data problems, the use case ends the dataset `failed` with reasons itself.
 */
export const datasetBuildJob = defineJob({
  name: DATASET_BUILD_JOB,
  schema: DatasetBuildJobPayload,
  retry: { maxAttempts: 3, backoffMs: 5_000 },
  // A 512 MB upload builds in a few minutes; a trace source pages through a remote API.
  timeoutMs: 60 * 60_000,
});

/**
 * The dataset handlers of the catalog; `processor` is the process's one shared thread pool, and
 * `dedupMemoryBytes` limits each build's dedup indexes (FTM_DATASET_DEDUP_MEMORY_MB).
 */
export function datasetJobHandlers(
  datasets: DatasetsService,
  processor: RecordProcessor,
  options: { readonly dedupMemoryBytes?: number } = {},
): { readonly [DATASET_BUILD_JOB]: JobHandlerOf<typeof datasetBuildJob> } {
  return {
    [DATASET_BUILD_JOB]: async (payload, { job, signal }) => {
      await datasets.runBuildJob(payload, { attempt: job.attempt, maxAttempts: job.maxAttempts, signal, processor, requestId: job.id, ...options });
    },
  };
}

/** A running periodic sweep; stop() waits for a sweep in progress. */
export interface DatasetSweeper {
  stop(): Promise<void>;
}

/**
 * Runs `datasets.sweep()` every `intervalMs` (default 60 s) so builds a crash left `queued` or
 * `building` are queued again (or failed); a failed sweep is logged and retried next tick.
 */
export function startDatasetSweeper(datasets: DatasetsService, options: { intervalMs?: number; logger: Logger; sweep?: DatasetSweepOptions }): DatasetSweeper {
  const task = new PeriodicTask({
    name: 'dataset sweep',
    intervalMs: options.intervalMs ?? 60_000,
    logger: options.logger,
    run: async () => {
      await datasets.sweep(options.sweep);
    },
  });
  task.start();
  return { stop: () => task.stop() };
}
