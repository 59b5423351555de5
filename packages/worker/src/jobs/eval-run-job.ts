import { EVAL_RUN_JOB, EVAL_RUN_JOB_RETRY, EvalRunJobPayload, type EvalsService, type ServiceContext } from '@ftm/core';
import { defineJob, type JobHandlerOf } from '../job-catalog.js';

/**
 * Executes one eval run. Long runs are fine: the lease is heartbeated by the queue, and an attempt
 * that is cut short (shutdown, lost lease, timeout) resumes on the next one without re-running
 * finished cases.
 */
export const evalRunJob = defineJob({
  name: EVAL_RUN_JOB,
  schema: EvalRunJobPayload,
  retry: EVAL_RUN_JOB_RETRY,
  timeoutMs: 6 * 60 * 60 * 1000,
});

/** The handler of `eval.run`: a platform context for the run's tenant, then the run use case. */
export function evalRunJobHandlers(evals: EvalsService, systemContext: (tenantId: string) => ServiceContext): { readonly [EVAL_RUN_JOB]: JobHandlerOf<typeof evalRunJob> } {
  return {
    [EVAL_RUN_JOB]: async (payload, { job, signal, logger }) => {
      const ctx = { ...systemContext(payload.tenant_id), logger };
      await evals.runJob(ctx, payload, { attempt: job.attempt, maxAttempts: job.maxAttempts, signal });
    },
  };
}
