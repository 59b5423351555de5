import type { ServiceContext } from '../shared/context.js';
import { ConflictError, ForbiddenError } from '../shared/errors.js';
import { recordEvent } from '../outbox/record-event.js';
import { recordAudit } from '../audit/record-audit.js';
import { parseInput } from '../shared/parse-input.js';
import { DecideApprovalInput, toApproval, type Approval } from './approval.js';
import type { ApprovalDeps } from './approval-deps.js';
import type { AfterCommit } from './approval-hooks.js';
import { findApprovalRow } from './get-approval.js';

type Decision = 'approved' | 'rejected';

/**
 * Applies a decision in one transaction: the approval row (locked), its `approval.decided` event
 * and audit row, and the hooks that resume or block the waiting resource. `by` names who decided.
 */
export async function applyApprovalDecision(
  deps: Pick<ApprovalDeps, 'db' | 'hooks'>,
  ctx: ServiceContext,
  id: string,
  decision: Decision,
  options: { readonly notes?: string; readonly by: string; readonly allowRemote: boolean },
): Promise<Approval> {
  let after: AfterCommit[] = [];
  const approval = await deps.db.transaction().execute(async (trx) => {
    const row = await findApprovalRow(trx, ctx, id, true);
    if (row.remote_id && !options.allowRemote) {
      throw new ConflictError('this approval is decided in PRISM, not through FTM', 'approval_remote');
    }
    if (row.status !== 'pending') {
      throw new ConflictError(`approval ${id} is already ${row.status}`, 'approval_decided', { approval_status: row.status });
    }
    const now = ctx.clock.now();
    const updated = await trx
      .updateTable('approvals')
      .set({ status: decision, decided_by: options.by, decided_at: now, note: options.notes ?? null, updated_at: now })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const result = toApproval(updated);
    await recordEvent(trx, ctx, { type: 'approval.decided', resourceType: 'approval', resourceId: id, projectId: result.project_id, payload: { approval: result } });
    await recordAudit(trx, ctx, {
      action: decision === 'approved' ? 'approval.approve' : 'approval.reject',
      resourceType: 'approval',
      resourceId: id,
      projectId: result.project_id,
      summary: `${decision} ${result.kind} ${result.resource_id}`,
      details: { kind: result.kind, resource_id: result.resource_id, decided_by: options.by, source: result.source },
    });
    after = await deps.hooks.run(trx, ctx, result);
    return result;
  });
  for (const work of after) await work();
  return approval;
}

async function decide(deps: Pick<ApprovalDeps, 'db' | 'hooks'>, ctx: ServiceContext, id: string, input: unknown, decision: Decision): Promise<Approval> {
  if (ctx.actor.role !== 'admin') throw new ForbiddenError('deciding an approval needs an admin API key');
  const body = parseInput(DecideApprovalInput, input ?? {}, 'approval decision');
  return applyApprovalDecision(deps, ctx, id, decision, { notes: body.notes, by: `${ctx.actor.type}:${ctx.actor.id}`, allowRemote: false });
}

/** `POST /approvals/{id}/approve` (admin only). */
export function approveApproval(deps: Pick<ApprovalDeps, 'db' | 'hooks'>, ctx: ServiceContext, id: string, input?: unknown): Promise<Approval> {
  return decide(deps, ctx, id, input, 'approved');
}

/** `POST /approvals/{id}/reject` (admin only). */
export function rejectApproval(deps: Pick<ApprovalDeps, 'db' | 'hooks'>, ctx: ServiceContext, id: string, input?: unknown): Promise<Approval> {
  return decide(deps, ctx, id, input, 'rejected');
}
