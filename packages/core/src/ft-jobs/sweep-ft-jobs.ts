import type { Clock } from '../shared/clock.js';
import type { FtJobDeps } from './ft-job-deps.js';
import { enqueueSubmission } from './create-ft-job.js';
import { enqueuePoll } from './submit-ft-job.js';

/**
 * Re-enqueues work a lost queue message or a crash left behind: queued/submitting jobs untouched
 * for `staleAfterMs`, and running jobs whose next poll is overdue by as much. Safe to run often and
 * on several workers: the queue job ids deduplicate and submission holds a lease.
 */
export async function sweepFtJobs(deps: Pick<FtJobDeps, 'db' | 'queue'>, { clock, staleAfterMs = 60_000, limit = 100 }: { clock: Clock; staleAfterMs?: number; limit?: number }): Promise<number> {
  const cutoff = new Date(clock.now().getTime() - staleAfterMs);
  const unsubmitted = await deps.db
    .selectFrom('ft_jobs')
    .select(['id', 'tenant_id', 'updated_at'])
    .where('status', 'in', ['queued', 'submitting'])
    .where('updated_at', '<', cutoff)
    .limit(limit)
    .execute();
  // A fresh queue job id per sweep: queues keep finished ids and would ignore a repeat.
  for (const job of unsubmitted) await enqueueSubmission(deps, job.id, job.tenant_id, `sweep-${new Date(job.updated_at).getTime()}`);
  const overdue = await deps.db.selectFrom('ft_jobs').select(['id', 'tenant_id', 'poll_attempts']).where('status', '=', 'running').where('next_poll_at', '<', cutoff).limit(limit).execute();
  for (const job of overdue) await enqueuePoll(deps, job, 0, `sweep-${job.poll_attempts}`);
  return unsubmitted.length + overdue.length;
}
