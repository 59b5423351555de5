import type { ServiceContext } from '../shared/context.js';
import { InvalidTransitionError } from '../shared/errors.js';
import { ProviderRequestError } from '../providers/provider-errors.js';
import { ftJobBookkeeping, ftmStateColumn, type FtJob } from './ft-job.js';
import type { FtJobDeps } from './ft-job-deps.js';
import { findFtJobRow, recordFtJobChange, updateFtJobRow } from './ft-job-repository.js';
import { isTerminalFtJobStatus, nextFtJobStatus } from './ft-job-state-machine.js';
import { enqueuePoll } from './submit-ft-job.js';

/**
 * `POST /ft-jobs/{id}/cancel`. A job at a provider is canceled there first (outside any
 * transaction); then the job becomes `canceled` in one transaction with its event and audit row.
 * A job still being submitted is canceled here and the submitter cancels the provider job it
 * creates. A final job is an InvalidTransitionError (409).
 */
export async function cancelFtJob(deps: FtJobDeps, ctx: ServiceContext, id: string): Promise<FtJob> {
  const before = await findFtJobRow(deps.db, ctx, id);
  if (isTerminalFtJobStatus(before.status)) throw new InvalidTransitionError('ft_job', before.status, 'cancel');
  if (before.provider_job_id) {
    const provider = await deps.providers.resolve(before.provider, { tenantId: before.tenant_id, projectId: before.project_id });
    try {
      await provider.cancelJob(before.provider_job_id);
    } catch (error) {
      // The provider finished first: the next poll records how it ended.
      if (error instanceof ProviderRequestError) {
        await enqueuePoll(deps, before, 0, `cancel-${ctx.requestId}`);
        throw new InvalidTransitionError('ft_job', `${before.status} (already finished at ${before.provider})`, 'cancel');
      }
      throw error;
    }
  }
  return deps.db.transaction().execute(async (trx) => {
    const row = await findFtJobRow(trx, ctx, id, true);
    const status = nextFtJobStatus(row.status, 'cancel');
    const now = ctx.clock.now();
    const updated = await updateFtJobRow(trx, ctx.tenantId, id, {
      status,
      cancel_requested_at: now,
      finished_at: now,
      next_poll_at: null,
      provider_status: row.provider_job_id ? 'cancelled' : row.provider_status,
      ftm_state: ftmStateColumn({ ...ftJobBookkeeping(row), status_reason: `canceled by ${ctx.actor.type}:${ctx.actor.id}` }),
      updated_at: now,
    });
    return recordFtJobChange(trx, ctx, {
      previousStatus: row.status,
      row: updated,
      action: 'ft_job.cancel',
      summary: `canceled fine-tuning job${row.provider_job_id ? ` and provider job ${row.provider_job_id}` : ''}`,
    });
  });
}
