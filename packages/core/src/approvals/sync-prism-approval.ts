import type { ServiceContext } from '../shared/context.js';
import { toApproval, type Approval } from './approval.js';
import type { ApprovalDeps } from './approval-deps.js';
import { applyApprovalDecision } from './decide-approval.js';
import { findApprovalRow } from './get-approval.js';

/**
 * Reads a PRISM-sourced approval's status from PRISM and, once PRISM has decided, applies that
 * decision locally (with hooks). The worker calls it periodically for pending remote approvals.
 */
export async function syncPrismApproval(deps: ApprovalDeps, ctx: ServiceContext, id: string): Promise<Approval> {
  const row = await findApprovalRow(deps.db, ctx, id);
  if (!row.remote_id || !deps.prism || row.status !== 'pending') return toApproval(row);
  const remote = await deps.prism.get(row.remote_id);
  if (remote.status === 'pending') return toApproval(row);
  return applyApprovalDecision(deps, ctx, id, remote.status, { by: 'prism', allowRemote: true });
}
