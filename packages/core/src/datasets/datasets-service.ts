import type { Page } from '../db/pagination.js';
import type { ServiceContext } from '../shared/context.js';
import type { Logger } from '../shared/logger.js';
import { runDatasetBuildJob, type BuildJobAttempt } from './build-dataset-job.js';
import type { DatasetBuildJobPayload } from './dataset-jobs.js';
import { createDataset } from './create-dataset.js';
import { createUpload, type CreateUploadInput, type Upload } from './create-upload.js';
import type { Dataset } from './dataset.js';
import type { DatasetDeps } from './dataset-deps.js';
import { getDataset } from './get-dataset.js';
import { getDatasetContent, type DatasetContent } from './get-dataset-content.js';
import { getUpload } from './get-upload.js';
import { listDatasets } from './list-datasets.js';
import { rebuildDataset } from './rebuild-dataset.js';
import type { RecordProcessor } from './build/record-processor-pool.js';
import { sweepStuckDatasets, type DatasetSweepOptions, type DatasetSweepResult } from './sweep-stuck-datasets.js';

/** One attempt of the `dataset.build` job, as the worker runs it. */
export interface DatasetBuildRun extends BuildJobAttempt {
  /** The process's shared worker-thread pool (the deps' processor, else inline, when omitted). */
  readonly processor?: RecordProcessor;
  /** Most bytes the build's dedup indexes may hold (the deps' limit, else the default, when omitted). */
  readonly dedupMemoryBytes?: number;
  readonly requestId?: string;
}

/** Every dataset and upload use case bound to its dependencies: what routes and the worker call. */
export interface DatasetsService {
  readonly deps: DatasetDeps;
  createUpload(ctx: ServiceContext, input: CreateUploadInput): Promise<Upload>;
  getUpload(ctx: ServiceContext, id: string): Promise<Upload>;
  createDataset(ctx: ServiceContext, input: unknown): Promise<Dataset>;
  getDataset(ctx: ServiceContext, id: string): Promise<Dataset>;
  listDatasets(ctx: ServiceContext, query: unknown): Promise<Page<Dataset>>;
  rebuildDataset(ctx: ServiceContext, id: string): Promise<Dataset>;
  getDatasetContent(ctx: ServiceContext, id: string, split?: unknown): Promise<DatasetContent>;
  /** The `dataset.build` job handler's use case, run as the system actor of the payload's tenant. */
  runBuildJob(payload: DatasetBuildJobPayload, run: DatasetBuildRun): Promise<void>;
  /** Re-queues (or fails) builds a crash left behind; see sweepStuckDatasets. */
  sweep(options?: DatasetSweepOptions): Promise<DatasetSweepResult>;
}

/** What the bound use cases need besides DatasetDeps. */
export interface DatasetsPlatform {
  readonly logger: Logger;
  readonly now: () => Date;
  /** A context for platform work on one tenant (the worker's system actor). */
  systemContext(tenantId: string, requestId?: string): ServiceContext;
}

/** Binds the dataset use cases to `deps`. */
export function createDatasetsService(deps: DatasetDeps, platform: DatasetsPlatform): DatasetsService {
  return {
    deps,
    createUpload: (ctx, input) => createUpload(deps, ctx, input),
    getUpload: (ctx, id) => getUpload(deps.db, ctx, id),
    createDataset: (ctx, input) => createDataset(deps, ctx, input),
    getDataset: (ctx, id) => getDataset(deps.db, ctx, id),
    listDatasets: (ctx, query) => listDatasets(deps.db, ctx, query),
    rebuildDataset: (ctx, id) => rebuildDataset(deps, ctx, id),
    getDatasetContent: (ctx, id, split) => getDatasetContent(deps, ctx, id, split),
    runBuildJob: (payload, run) => {
      const jobDeps: DatasetDeps = {
        ...deps,
        ...(run.processor ? { processor: run.processor } : {}),
        ...(run.dedupMemoryBytes !== undefined ? { dedupMemoryBytes: run.dedupMemoryBytes } : {}),
      };
      const attempt: BuildJobAttempt = { attempt: run.attempt, maxAttempts: run.maxAttempts, ...(run.signal ? { signal: run.signal } : {}) };
      return runDatasetBuildJob(jobDeps, platform.systemContext(payload.tenant_id, run.requestId), payload, attempt);
    },
    sweep: (options) => sweepStuckDatasets(deps, { now: platform.now(), logger: platform.logger, systemContext: (tenantId) => platform.systemContext(tenantId) }, options),
  };
}
