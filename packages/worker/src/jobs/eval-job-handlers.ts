import { EVAL_RUN_JOB, type evalRunJob, type EvalsService, type JobHandlerOf, type ServiceContext } from '@ftm/core';

/** The handler of `eval.run`: a platform context for the run's tenant, then the run use case. */
export function evalRunJobHandlers(evals: EvalsService, systemContext: (tenantId: string) => ServiceContext): { readonly [EVAL_RUN_JOB]: JobHandlerOf<typeof evalRunJob> } {
  return {
    [EVAL_RUN_JOB]: async (payload, { job, signal, logger }) => {
      const ctx = { ...systemContext(payload.tenant_id), logger };
      await evals.runJob(ctx, payload, { attempt: job.attempt, maxAttempts: job.maxAttempts, signal });
    },
  };
}
