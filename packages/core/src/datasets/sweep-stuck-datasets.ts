import type { ServiceContext } from '../shared/context.js';
import type { Logger } from '../shared/logger.js';
import { failDatasetBuild } from './build-dataset-job.js';
import type { DatasetDeps } from './dataset-deps.js';
import { datasetBuildJob } from './dataset-jobs.js';
import { enqueueJob } from '../shared/enqueue-job.js';

/** What one sweep did. */
export interface DatasetSweepResult {
  /** Datasets whose build was queued again. */
  readonly requeued: number;
  /** Datasets ended `failed` because their builds kept dying. */
  readonly failed: number;
}

/** Tuning of {@link sweepStuckDatasets}. */
export interface DatasetSweepOptions {
  /** How long a queued or building dataset may go untouched (builds heartbeat every few seconds); default 10 min. */
  readonly staleAfterMs?: number;
  /** Build attempts (each one that reached `building`) before a stuck dataset is failed instead; default 6. */
  readonly maxBuildAttempts?: number;
  /** Datasets handled per sweep; default 100. */
  readonly limit?: number;
}

/**
 * The safety net under the queue for builds a crash left behind: a dataset `queued` or
 * `building` that nothing touched for `staleAfterMs` (its enqueue was lost after commit, or its
 * worker died on the last attempt) is queued again under a fresh job id (queues keep finished
 * ids and would ignore a repeat), and its `updated_at` is bumped so the next sweep waits again.
 * One that already used `maxBuildAttempts` ends `failed` with `build_interrupted`. A duplicate
 * job is harmless: a build of a finished dataset is a no-op and builds are deterministic.
 */
export async function sweepStuckDatasets(
  deps: DatasetDeps,
  env: { readonly now: Date; readonly logger: Logger; readonly systemContext: (tenantId: string) => ServiceContext },
  options: DatasetSweepOptions = {},
): Promise<DatasetSweepResult> {
  const { now, systemContext } = env;
  const staleAfterMs = options.staleAfterMs ?? 10 * 60_000;
  const maxBuildAttempts = options.maxBuildAttempts ?? 6;
  const rows = await deps.db
    .selectFrom('datasets')
    .selectAll()
    .where('status', 'in', ['queued', 'building'])
    .where('updated_at', '<', new Date(now.getTime() - staleAfterMs))
    .orderBy('updated_at')
    .limit(options.limit ?? 100)
    .execute();
  let requeued = 0;
  let failed = 0;
  for (const row of rows) {
    const ctx = systemContext(row.tenant_id);
    if (row.build_attempts >= maxBuildAttempts) {
      await failDatasetBuild(deps, ctx, row, [{ code: 'build_interrupted', message: `the build stopped ${row.build_attempts} times without finishing; rebuild the dataset to try again` }]);
      failed += 1;
      continue;
    }
    // Only the sweep that still sees the old timestamp re-enqueues (several workers may sweep).
    const claimed = await deps.db
      .updateTable('datasets')
      .set({ updated_at: now })
      .where('tenant_id', '=', row.tenant_id)
      .where('id', '=', row.id)
      .where('status', 'in', ['queued', 'building'])
      .where('updated_at', '=', row.updated_at)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) continue;
    await enqueueJob(deps.queue, datasetBuildJob, { tenant_id: row.tenant_id, dataset_id: row.id }, { jobId: `${row.id}.sweep-${new Date(row.updated_at).getTime()}` });
    requeued += 1;
  }
  if (requeued + failed > 0) env.logger.info({ requeued, failed }, 'dataset sweep recovered stuck builds');
  return { requeued, failed };
}
