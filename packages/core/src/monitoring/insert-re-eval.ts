import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { recordEvent } from '../outbox/record-event.js';
import { recordAudit } from '../audit/record-audit.js';
import type { ModelRef } from '../evals/model-ref.js';
import type { Target } from '../pointers/target.js';
import { actorName } from '../pointers/production-pointer.js';
import { nextCronRun } from './cron-schedule.js';
import { toReEval, type ReEval, type ReEvalPolicy, type ReEvalSchedule, type StoredBaseline } from './re-eval.js';

/** A re-eval to store. */
export interface NewReEval {
  readonly projectId: string | null;
  readonly name: string | null;
  readonly evalSuiteId: string;
  readonly target: Target | null;
  readonly model: ModelRef | null;
  readonly schedule: ReEvalSchedule;
  readonly policy: ReEvalPolicy;
  readonly baseline: StoredBaseline | null;
  readonly promotionId: string | null;
}

/**
 * Stores a re-eval inside the caller's transaction (an immediate one is due now, a cron one at
 * its next firing), with `re_eval.created` and an audit row.
 */
export async function insertReEval(trx: Transaction<DB>, ctx: ServiceContext, input: NewReEval): Promise<ReEval> {
  const now = ctx.clock.now();
  const row = await trx
    .insertInto('re_evals')
    .values({
      id: ctx.ids.next(),
      tenant_id: ctx.tenantId,
      project_id: input.projectId,
      name: input.name,
      eval_suite_id: input.evalSuiteId,
      target_type: input.target?.type ?? null,
      target_value: input.target?.value ?? null,
      model_ref: input.model ? JSON.stringify(input.model) : null,
      schedule: input.schedule.type,
      cron: input.schedule.type === 'cron' ? input.schedule.cron : null,
      policy: JSON.stringify(input.policy),
      status: 'active',
      baseline: JSON.stringify(input.baseline ?? {}),
      promotion_id: input.promotionId,
      next_run_at: input.schedule.type === 'cron' ? nextCronRun(input.schedule.cron, now) : now,
      created_by: actorName(ctx.actor),
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const reEval = toReEval(row, []);
  await recordEvent(trx, ctx, { type: 're_eval.created', resourceType: 're_eval', resourceId: reEval.id, projectId: reEval.project_id, payload: { re_eval: reEval } });
  const what = input.target ? `${input.target.type} ${input.target.value}` : `model ${input.model?.type} ${input.model?.value}`;
  await recordAudit(trx, ctx, {
    action: 're_eval.create',
    resourceType: 're_eval',
    resourceId: reEval.id,
    projectId: reEval.project_id,
    summary: `scheduled a ${input.schedule.type} re-eval of ${what} on suite ${input.evalSuiteId}${input.policy.auto_rollback ? ' with auto-rollback' : ''}`,
    details: { schedule: input.schedule, policy: input.policy, promotion_id: input.promotionId },
  });
  return reEval;
}
