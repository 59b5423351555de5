import type { GateVerdictRecord } from '../db/schema.js';
import type { ApprovalHooks } from '../approvals/approval-hooks.js';
import { ftJobBookkeeping, ftmStateColumn } from './ft-job.js';
import type { FtJobDeps } from './ft-job-deps.js';
import { recordFtJobChange, updateFtJobRow } from './ft-job-repository.js';
import { nextFtJobStatus } from './ft-job-state-machine.js';
import { enqueueSubmission } from './create-ft-job.js';

/**
 * Makes approval decisions move waiting jobs: approved → `queued` (submitted after commit),
 * rejected → `blocked`; the cost_approval gate records the decision either way.
 */
export function registerFtJobApprovalHook(hooks: ApprovalHooks, deps: Pick<FtJobDeps, 'queue'>): void {
  hooks.register('ft_job', async (trx, ctx, approval) => {
    const row = await trx.selectFrom('ft_jobs').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', approval.resource_id).forUpdate().executeTakeFirst();
    if (!row || row.status !== 'awaiting_approval' || row.approval_id !== approval.id) return;
    const approved = approval.status === 'approved';
    const gates = (row.gates as GateVerdictRecord[]).map((g) =>
      g.gate === 'cost_approval'
        ? { ...g, verdict: approved ? ('pass' as const) : ('deny' as const), reason: `${approval.status} by ${approval.decided_by}${approval.decision_notes ? `: ${approval.decision_notes}` : ''}` }
        : g,
    );
    const now = ctx.clock.now();
    const updated = await updateFtJobRow(trx, ctx.tenantId, row.id, {
      status: nextFtJobStatus('awaiting_approval', approved ? 'approve' : 'reject'),
      gates: JSON.stringify(gates),
      finished_at: approved ? null : now,
      ftm_state: ftmStateColumn({ ...ftJobBookkeeping(row), status_reason: approved ? null : `cost approval ${approval.id} was rejected` }),
      updated_at: now,
    });
    await recordFtJobChange(trx, ctx, {
      previousStatus: 'awaiting_approval',
      row: updated,
      action: approved ? 'ft_job.approve' : 'ft_job.block',
      summary: approved ? `cost approval ${approval.id} granted; job queued for submission` : `cost approval ${approval.id} rejected; job blocked`,
      details: { approval_id: approval.id },
    });
    if (approved) return () => enqueueSubmission(deps, row.id, ctx.tenantId, `approved-${approval.id}`);
  });
}
