import { z } from 'zod';
import type { Queue } from '../ports/queue.js';
import { enqueueJob } from '../shared/enqueue-job.js';
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

/** How often the fine-tuning sweep runs. */
export const FT_JOB_SWEEP_EVERY_MS = 60_000;

/** Re-enqueues lost submissions and polls and syncs pending PRISM approvals, once a minute. */
export const ftJobSweepJob = defineJob({
  name: FT_JOB_SWEEP,
  schema: z.object({}).passthrough(),
  retry: { maxAttempts: 3, backoffMs: 5_000 },
  timeoutMs: 120_000,
});

/** Starts (or continues) the sweep chain; the minute-bucketed job id keeps one chain however many workers start it. */
export async function scheduleFtJobSweep(queue: Queue, nowMs: number = Date.now(), delayMs = 0): Promise<void> {
  const bucket = Math.floor((nowMs + delayMs) / FT_JOB_SWEEP_EVERY_MS);
  await enqueueJob(queue, ftJobSweepJob, {}, { jobId: `${FT_JOB_SWEEP}/${bucket}`, delayMs });
}
