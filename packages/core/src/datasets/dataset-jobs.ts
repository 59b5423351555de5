import { z } from 'zod';
import { defineJob } from '../shared/job-definition.js';

/** The queue job that builds one dataset version; its job id is the dataset id. */
export const DATASET_BUILD_JOB = 'dataset.build';

/** Payload of the `dataset.build` job. */
export const DatasetBuildJobPayload = z.object({ tenant_id: z.uuid(), dataset_id: z.uuid() });
export type DatasetBuildJobPayload = z.infer<typeof DatasetBuildJobPayload>;

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
