import type { ApprovalHooks } from '../approvals/approval-hooks.js';
import type { GateVerdictRecord } from '../db/schema.js';
import { recordEvent } from '../outbox/record-event.js';
import { recordAudit } from '../audit/record-audit.js';
import { lockTarget } from '../pointers/pointer-queries.js';
import { decide, withGate } from './promotion-decision.js';
import { recheckServingGates, swapForPromotion } from './promotion-swap.js';
import { toPromotion } from './promotion.js';
import type { PromotionDeps } from './promotion-deps.js';

/**
 * Resumes a promotion waiting in `pending_approval` when its approval is decided, in the
 * decision's transaction: rejected → `blocked`; approved → the gates that depend on the pointer
 * are evaluated again under the target lock and the pointer is swapped (or the promotion is
 * `rejected` when the serving model changed and now beats it).
 */
export function registerPromotionApprovalHook(hooks: ApprovalHooks, deps: Pick<PromotionDeps, 'bus'>): void {
  hooks.register('promotion', async (trx, ctx, approval) => {
    const pending = await trx.selectFrom('promotions').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', approval.resource_id).forUpdate().executeTakeFirst();
    if (!pending || pending.decision !== 'pending_approval') return;
    const target = { type: pending.target_type, value: pending.target_value };
    const approvalGate: GateVerdictRecord = {
      gate: 'approval',
      verdict: approval.status === 'approved' ? 'pass' : 'deny',
      reason: `${approval.status} by ${approval.decided_by ?? 'unknown'}${approval.decision_notes ? `: ${approval.decision_notes}` : ''}`,
      decision_id: approval.prism_approval_id ?? approval.id,
    };
    let gates = withGate(pending.gates, approvalGate);
    const locked = approval.status === 'approved' ? await lockTarget(trx, ctx.tenantId, target) : undefined;
    if (approval.status === 'approved') gates = await recheckServingGates(trx, ctx, gates, pending, locked?.model_version_id ?? null);
    const decision = decide(gates);
    const now = ctx.clock.now();
    let row = await trx
      .updateTable('promotions')
      .set({
        decision,
        gates: JSON.stringify(gates),
        previous_model_version_id: locked?.model_version_id ?? pending.previous_model_version_id,
        pointer_id: locked?.id ?? pending.pointer_id,
        decided_at: now,
        updated_at: now,
      })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', pending.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordEvent(trx, ctx, { type: 'promotion.decided', resourceType: 'promotion', resourceId: row.id, projectId: row.project_id, payload: { promotion: toPromotion(row) } });
    await recordAudit(trx, ctx, {
      action: 'promotion.decide',
      resourceType: 'promotion',
      resourceId: row.id,
      projectId: row.project_id,
      summary: `promotion ${row.id} is ${decision} after approval ${approval.id} was ${approval.status}`,
      details: { approval_id: approval.id, decision, gates },
    });
    if (decision !== 'promoted') return;
    row = (await swapForPromotion(trx, ctx, deps.bus, row, locked)).row;
    return () => deps.bus.published({ tenantId: ctx.tenantId });
  });
}
