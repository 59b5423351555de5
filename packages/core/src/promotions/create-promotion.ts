import type { Transaction } from 'kysely';
import type { DB, GateVerdictRecord } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { NotFoundError, ValidationError } from '../shared/errors.js';
import { recordEvent } from '../outbox/record-event.js';
import { recordAudit } from '../audit/record-audit.js';
import { parseInput } from '../shared/parse-input.js';
import { askPrism, requestApproval, type ApprovalRequestInput } from '../approvals/request-approval.js';
import type { PrismApproval } from '../approvals/prism-gateway.js';
import { lockTarget } from '../pointers/pointer-queries.js';
import type { PointerRow } from '../pointers/production-pointer.js';
import { actorName } from '../pointers/production-pointer.js';
import { assertTargetInScope, pointerProjectId, type Target } from '../pointers/target.js';
import { evalScoreGate, latestCompletedRun, notesScanGate, regressionGate, runScore, versionStatusGate } from './promotion-gates.js';
import { decide, skipped } from './promotion-decision.js';
import { recheckServingGates, swapForPromotion } from './promotion-swap.js';
import { CreatePromotionInput, toPromotion, type Promotion, type PromotionBaseline, type PromotionRow } from './promotion.js';
import type { PromotionDeps } from './promotion-deps.js';

async function loadVersion(deps: PromotionDeps, ctx: ServiceContext, id: string) {
  let q = deps.db.selectFrom('model_versions').select(['id', 'project_id', 'status', 'name']).where('tenant_id', '=', ctx.tenantId).where('id', '=', id);
  if (ctx.projectId) q = q.where('project_id', '=', ctx.projectId);
  const version = await q.executeTakeFirst();
  if (!version) throw new NotFoundError('model_version', id);
  return version;
}

async function checkReferences(deps: PromotionDeps, ctx: ServiceContext, body: CreatePromotionInput): Promise<void> {
  if (body.target.type === 'project') {
    const project = await deps.db.selectFrom('projects').select('id').where('tenant_id', '=', ctx.tenantId).where('id', '=', body.target.value).executeTakeFirst();
    if (!project) throw new ValidationError('the target project does not exist', [{ path: 'target.value', message: 'no project of this tenant has this id' }]);
  }
  if (body.eval_suite_id) {
    const suite = await deps.db.selectFrom('eval_suites').select('id').where('tenant_id', '=', ctx.tenantId).where('id', '=', body.eval_suite_id).executeTakeFirst();
    if (!suite) throw new NotFoundError('eval_suite', body.eval_suite_id);
  }
}

/** The pointer of a target as it is now, without locking (the gates' first look). */
async function servingNow(deps: PromotionDeps, tenantId: string, target: Target): Promise<string | null> {
  const row = await deps.db
    .selectFrom('production_pointers')
    .select('model_version_id')
    .where('tenant_id', '=', tenantId)
    .where('target_type', '=', target.type)
    .where('target_value', '=', target.value)
    .executeTakeFirst();
  return row?.model_version_id ?? null;
}

/**
 * A promotion of this version to this target that is still in effect — waiting for approval, or
 * promoted, not rolled back, with the pointer still on the version — so a repeated request gets
 * the same decision instead of a second one.
 */
export async function findPromotionInEffect(trx: Transaction<DB>, tenantId: string, modelVersionId: string, target: Target, locked: PointerRow | undefined): Promise<PromotionRow | undefined> {
  const row = await trx
    .selectFrom('promotions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('model_version_id', '=', modelVersionId)
    .where('target_type', '=', target.type)
    .where('target_value', '=', target.value)
    .where((eb) => eb.or([eb('decision', '=', 'pending_approval'), eb.and([eb('decision', '=', 'promoted'), eb('rolled_back_at', 'is', null)])]))
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.decision === 'promoted' && locked?.model_version_id !== modelVersionId) return undefined;
  return row;
}

/**
 * `POST /promotions`: evaluates every gate and records each verdict — version status, latest eval
 * score on the suite, no significant regression against the serving version, TRiSM scan of the
 * notes, governance `model.promote`, and an approval when asked for — then, in one transaction
 * holding the target lock, re-checks what depends on the pointer, records the decision and, when
 * `promoted`, swaps the pointer. External systems are called before the transaction opens.
 */
export async function createPromotion(deps: PromotionDeps, ctx: ServiceContext, input: unknown): Promise<Promotion> {
  const body = parseInput(CreatePromotionInput, input, 'promotion');
  const version = await loadVersion(deps, ctx, body.model_version_id);
  const projectId = pointerProjectId(body.target, ctx, version.project_id);
  assertTargetInScope(ctx, body.target, projectId);
  await checkReferences(deps, ctx, body);

  const serving = await servingNow(deps, ctx.tenantId, body.target);
  const run = await latestCompletedRun(deps.db, ctx.tenantId, version.id, body.eval_suite_id);
  const gates: GateVerdictRecord[] = [
    versionStatusGate(version, serving),
    evalScoreGate(run, body.min_eval_score, body.eval_suite_id),
    await regressionGate(deps.db, ctx, run, serving, body.max_regression ?? null),
    await notesScanGate(deps.sanitizer, body.notes),
  ];
  const id = ctx.ids.next();
  let approvalInput: ApprovalRequestInput | null = null;
  let remote: PrismApproval | null = null;
  if (gates.some((g) => g.verdict === 'deny')) {
    gates.push(skipped('governance'), skipped('approval'));
  } else {
    const decision = await deps.governance.check({
      action: 'model.promote',
      tenantId: ctx.tenantId,
      projectId,
      actor: ctx.actor,
      resource: {
        type: 'model_version',
        id: version.id,
        attributes: { target_type: body.target.type, target_value: body.target.value, eval_score: run ? runScore(run) : null, status: version.status },
      },
      context: { request_id: ctx.requestId, promotion_id: id },
    });
    const reasons = decision.reasons.join('; ') || decision.decision;
    gates.push({ gate: 'governance', verdict: decision.decision === 'allow' ? 'pass' : 'deny', reason: reasons, decision_id: decision.decisionId });
    if (decision.decision === 'deny') {
      gates.push(skipped('approval'));
    } else if (!body.require_approval) {
      gates.push({ gate: 'approval', verdict: 'skipped', reason: 'no approval requested' });
    } else {
      approvalInput = { id: ctx.ids.next(), kind: 'promotion', resourceId: id, projectId, estimatedCostUsd: null, reason: `promote ${version.name} to ${body.target.type} ${body.target.value}` };
      // Remote PRISM is asked before the transaction so no lock is held across the network.
      remote = await askPrism(deps.prism, ctx, approvalInput);
      const verdict = remote?.status === 'approved' ? 'pass' : remote?.status === 'rejected' ? 'deny' : 'pending';
      gates.push({ gate: 'approval', verdict, reason: approvalInput.reason, decision_id: remote?.id ?? approvalInput.id });
    }
  }

  const baseline: PromotionBaseline | null = run ? { eval_suite_id: run.eval_suite_id, eval_run_id: run.id, score: runScore(run), cost_usd: Number(run.cost_usd) } : null;
  const outcome = await deps.db.transaction().execute(async (trx) => {
    const locked = await lockTarget(trx, ctx.tenantId, body.target);
    const existing = await findPromotionInEffect(trx, ctx.tenantId, version.id, body.target, locked);
    if (existing) return { row: existing, moved: false };
    let final = gates;
    const nowServing = locked?.model_version_id ?? null;
    const hopeful = decide(final);
    if (nowServing !== serving && (hopeful === 'promoted' || hopeful === 'pending_approval')) {
      final = await recheckServingGates(
        trx,
        ctx,
        final,
        { model_version_id: version.id, max_regression: body.max_regression ?? null, baseline: (baseline ?? {}) as Record<string, unknown> },
        nowServing,
      );
    }
    const decision = decide(final);
    const approval = decision === 'pending_approval' || (decision === 'promoted' && approvalInput) ? await requestApproval(trx, ctx, approvalInput!, remote) : null;
    const now = ctx.clock.now();
    let row = await trx
      .insertInto('promotions')
      .values({
        id,
        tenant_id: ctx.tenantId,
        project_id: projectId,
        model_version_id: version.id,
        target_type: body.target.type,
        target_value: body.target.value,
        min_eval_score: body.min_eval_score,
        eval_suite_id: body.eval_suite_id ?? run?.eval_suite_id ?? null,
        max_regression: body.max_regression ?? null,
        // Notes TRiSM refused are not stored anywhere; the gate's reason names what was found.
        notes: final.some((g) => g.gate === 'trism_scan' && g.verdict === 'deny') ? null : (body.notes ?? null),
        decision,
        gates: JSON.stringify(final),
        approval_id: approval?.id ?? null,
        previous_model_version_id: nowServing,
        pointer_id: locked?.id ?? null,
        baseline: JSON.stringify(baseline ?? {}),
        created_by: actorName(ctx.actor),
        created_at: now,
        updated_at: now,
        decided_at: decision === 'pending_approval' ? null : now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordEvent(trx, ctx, { type: 'promotion.created', resourceType: 'promotion', resourceId: id, projectId, payload: { promotion: toPromotion(row) } });
    await recordAudit(trx, ctx, {
      action: 'promotion.create',
      resourceType: 'promotion',
      resourceId: id,
      projectId,
      summary: `promotion of ${version.name} to ${body.target.type} ${body.target.value}: ${decision}`,
      details: { model_version_id: version.id, target: body.target, decision, gates: final },
    });
    if (decision === 'promoted') row = (await swapForPromotion(trx, ctx, deps.bus, row, locked)).row;
    return { row, moved: decision === 'promoted' };
  });
  if (outcome.moved) await deps.bus.published({ tenantId: ctx.tenantId });
  return toPromotion(outcome.row);
}
