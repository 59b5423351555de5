import { z } from 'zod';
import { defineJob } from '../shared/job-definition.js';

/** Queue job names of fine-tuning. */
export const FT_JOB_SUBMIT = 'ft_job.submit';
export const FT_JOB_POLL = 'ft_job.poll';
export const FT_JOB_SWEEP = 'ft_job.sweep';

/** Payload of `ft_job.submit` and `ft_job.poll`: the fine-tuning job and its tenant. */
export const FtJobQueuePayload = z.object({ ft_job_id: z.uuid(), tenant_id: z.uuid() });
export type FtJobQueuePayload = z.infer<typeof FtJobQueuePayload>;

/** Submits one fine-tuning job to its provider (never twice: see submitFtJob). */
export const ftJobSubmitJob = defineJob({
  name: FT_JOB_SUBMIT,
  schema: FtJobQueuePayload,
  retry: { maxAttempts: 10, backoffMs: 2_000 },
  // Above the longest upload of a large training file.
  timeoutMs: 15 * 60_000,
});

/**
 * Polls one running job; it enqueues the next poll with backoff until the job is final. Polling
 * belongs to one job (per-entity work), so it is a chain of queue jobs, not a periodic task.
 */
export const ftJobPollJob = defineJob({
  name: FT_JOB_POLL,
  schema: FtJobQueuePayload,
  retry: { maxAttempts: 10, backoffMs: 5_000 },
  timeoutMs: 120_000,
});

/** How often the fine-tuning sweep runs (a `PeriodicTask` of the worker, on the holder of `FT_JOB_SWEEP_LEASE`). */
export const FT_JOB_SWEEP_EVERY_MS = 60_000;

/** The lease that makes one worker run the fine-tuning sweep. */
export const FT_JOB_SWEEP_LEASE = 'ft_job_sweep';

/**
 * One fine-tuning sweep as a queue job. Earlier releases ran the sweep as a chain of these jobs,
 * each enqueuing the next; the worker still handles the ones left in a queue after an upgrade (one
 * sweep, no next link). Nothing enqueues it any more: the sweep is a periodic task.
 */
export const ftJobSweepJob = defineJob({
  name: FT_JOB_SWEEP,
  schema: z.object({}).passthrough(),
  retry: { maxAttempts: 3, backoffMs: 5_000 },
  timeoutMs: 120_000,
});
