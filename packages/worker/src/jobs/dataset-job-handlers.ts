import { DATASET_BUILD_JOB, PeriodicTask, type datasetBuildJob, type DatasetsService, type DatasetSweepOptions, type JobHandlerOf, type Logger, type RecordProcessor } from '@ftm/core';

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
