import type { ServiceContext } from '../shared/context.js';
import { ftJobBookkeeping, ftmStateColumn, type FtJob } from './ft-job.js';
import type { FtJobDeps } from './ft-job-deps.js';
import { findFtJobRow, recordFtJobChange, updateFtJobRow } from './ft-job-repository.js';
import { isTerminalFtJobStatus, nextFtJobStatus } from './ft-job-state-machine.js';

/** Moves a job to `failed` with an error, unless it already reached a final status. */
export async function markFtJobFailed(deps: Pick<FtJobDeps, 'db'>, ctx: ServiceContext, id: string, error: { code: string; message: string }): Promise<FtJob | null> {
  return deps.db.transaction().execute(async (trx) => {
    const row = await findFtJobRow(trx, ctx, id, true);
    if (isTerminalFtJobStatus(row.status)) return null;
    const now = ctx.clock.now();
    const updated = await updateFtJobRow(trx, ctx.tenantId, id, {
      status: nextFtJobStatus(row.status, 'fail'),
      error: JSON.stringify(error),
      finished_at: now,
      next_poll_at: null,
      ftm_state: ftmStateColumn({ ...ftJobBookkeeping(row), status_reason: error.message, submit_lease_until: null }),
      updated_at: now,
    });
    return recordFtJobChange(trx, ctx, { previousStatus: row.status, row: updated, action: 'ft_job.fail', summary: `fine-tuning job failed: ${error.code}`, details: { error } });
  });
}
