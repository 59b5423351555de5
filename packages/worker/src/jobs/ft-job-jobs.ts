import { z } from 'zod';
import { FT_JOB_POLL, FT_JOB_SUBMIT, type FineTuningService, type Queue } from '@ftm/core';
import { defineJob, type JobHandlerOf } from '../job-catalog.js';

const FtJobPayload = z.object({ ft_job_id: z.uuid(), tenant_id: z.uuid() });

/** Submits one fine-tuning job to its provider (never twice: see submitFtJob). */
export const ftJobSubmitJob = defineJob({
  name: FT_JOB_SUBMIT,
  schema: FtJobPayload,
  retry: { maxAttempts: 10, backoffMs: 2_000 },
  // Above the longest upload of a large training file.
  timeoutMs: 15 * 60_000,
});

/** Polls one running job; its handler enqueues the next poll with backoff until the job is final. */
export const ftJobPollJob = defineJob({
  name: FT_JOB_POLL,
  schema: FtJobPayload,
  retry: { maxAttempts: 10, backoffMs: 5_000 },
  timeoutMs: 120_000,
});

export const FT_JOB_SWEEP = 'ft_job.sweep';
const SWEEP_EVERY_MS = 60_000;

/** Re-enqueues lost submissions and polls and syncs pending PRISM approvals, once a minute. */
export const ftJobSweepJob = defineJob({
  name: FT_JOB_SWEEP,
  schema: z.object({}).passthrough(),
  retry: { maxAttempts: 3, backoffMs: 5_000 },
  timeoutMs: 120_000,
});

/** Starts the sweep chain; the minute-bucketed job id keeps one chain however many workers start it. */
export async function scheduleFtJobSweep(queue: Queue, nowMs: number = Date.now(), delayMs = 0): Promise<void> {
  const bucket = Math.floor((nowMs + delayMs) / SWEEP_EVERY_MS);
  await queue.enqueue(FT_JOB_SWEEP, {}, { jobId: `${FT_JOB_SWEEP}/${bucket}`, delayMs, maxAttempts: 3 });
}

/** The fine-tuning handlers of the catalog. */
export function ftJobHandlers(
  fineTuning: FineTuningService,
  queue: Queue,
): {
  readonly [FT_JOB_SUBMIT]: JobHandlerOf<typeof ftJobSubmitJob>;
  readonly [FT_JOB_POLL]: JobHandlerOf<typeof ftJobPollJob>;
  readonly [FT_JOB_SWEEP]: JobHandlerOf<typeof ftJobSweepJob>;
} {
  return {
    [FT_JOB_SUBMIT]: async (payload, { job }) => {
      await fineTuning.submit(payload.tenant_id, payload.ft_job_id, job.id);
    },
    [FT_JOB_POLL]: async (payload, { job }) => {
      await fineTuning.poll(payload.tenant_id, payload.ft_job_id, job.id);
    },
    [FT_JOB_SWEEP]: async () => {
      try {
        await fineTuning.sweep();
      } finally {
        await scheduleFtJobSweep(queue, Date.now(), SWEEP_EVERY_MS);
      }
    },
  };
}
