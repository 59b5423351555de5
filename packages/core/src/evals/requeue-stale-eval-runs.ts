import { EVAL_RUN_JOB, EVAL_RUN_JOB_RETRY, type EvalDeps, type EvalRunJobPayload } from './eval-deps.js';

/**
 * The recovery sweep: runs still `queued` or `running` that nothing touched for `olderThanMs`
 * (an enqueue lost after commit, a worker that died past its retries) are queued again. The job
 * id is the run id, so a run whose job is still waiting or active is not queued twice, and a
 * resumed run skips its finished cases.
 */
export async function requeueStaleEvalRuns(deps: Pick<EvalDeps, 'db' | 'queue'>, olderThanMs: number, now: Date = new Date()): Promise<number> {
  const before = new Date(now.getTime() - olderThanMs);
  const rows = await deps.db
    .selectFrom('eval_runs')
    .select(['id', 'tenant_id'])
    .where('status', 'in', ['queued', 'running'])
    .where('updated_at', '<', before)
    .orderBy('updated_at')
    .limit(500)
    .execute();
  for (const row of rows) {
    const payload: EvalRunJobPayload = { tenant_id: row.tenant_id, eval_run_id: row.id };
    await deps.queue.enqueue(EVAL_RUN_JOB, payload, { jobId: row.id, ...EVAL_RUN_JOB_RETRY });
  }
  return rows.length;
}
