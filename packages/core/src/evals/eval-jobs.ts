import { z } from 'zod';
import { defineJob } from '../shared/job-definition.js';

/** The queue job that executes one eval run; its job id is the run id. */
export const EVAL_RUN_JOB = 'eval.run';

/** Payload of the `eval.run` job. */
export const EvalRunJobPayload = z.object({ tenant_id: z.uuid(), eval_run_id: z.uuid() });
export type EvalRunJobPayload = z.infer<typeof EvalRunJobPayload>;

/**
 * Executes one eval run. Long runs are fine: the lease is heartbeated by the queue, and an attempt
 * that is cut short (shutdown, lost lease, timeout) resumes on the next one without re-running
 * finished cases, so retries are cheap.
 */
export const evalRunJob = defineJob({
  name: EVAL_RUN_JOB,
  schema: EvalRunJobPayload,
  retry: { maxAttempts: 5, backoffMs: 2_000 },
  timeoutMs: 6 * 60 * 60 * 1000,
});
