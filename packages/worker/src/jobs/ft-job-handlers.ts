import {
  FT_JOB_POLL,
  FT_JOB_SUBMIT,
  FT_JOB_SWEEP,
  FT_JOB_SWEEP_EVERY_MS,
  scheduleFtJobSweep,
  type FineTuningService,
  type ftJobPollJob,
  type ftJobSubmitJob,
  type ftJobSweepJob,
  type JobHandlerOf,
  type Queue,
} from '@ftm/core';

/** The fine-tuning handlers of the catalog; the sweep enqueues its next run when it ends. */
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
        await scheduleFtJobSweep(queue, Date.now(), FT_JOB_SWEEP_EVERY_MS);
      }
    },
  };
}
