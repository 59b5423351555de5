import type { EvalDeps } from './eval-deps.js';
import { evalRunJob } from './eval-jobs.js';
import { enqueueJob } from '../shared/enqueue-job.js';

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
    await enqueueJob(deps.queue, evalRunJob, { tenant_id: row.tenant_id, eval_run_id: row.id }, { jobId: row.id });
  }
  return rows.length;
}
