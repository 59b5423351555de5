import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { recordEvent } from '../outbox/record-event.js';
import { recordAudit } from '../audit/record-audit.js';
import { nextCronRun } from './cron-schedule.js';
import { findReEvalRow, recentRuns } from './get-re-eval.js';
import { toReEval, type ReEval } from './re-eval.js';

async function setStatus(db: Kysely<DB>, ctx: ServiceContext, id: string, status: 'active' | 'paused'): Promise<ReEval> {
  return db.transaction().execute(async (trx) => {
    const row = await findReEvalRow(trx, ctx, id, true);
    // Pausing a paused re-eval (or resuming an active one) changes nothing and says so by not writing.
    if (row.status === status) return toReEval(row, (await recentRuns(trx, ctx.tenantId, [row.id])).get(row.id) ?? []);
    const now = ctx.clock.now();
    // Resuming does not replay what was missed: a cron re-eval runs at its next firing, an
    // immediate one only if it never ran.
    const nextRunAt = status === 'paused' ? row.next_run_at : row.schedule === 'cron' ? nextCronRun(row.cron!, now) : row.last_run_at ? null : now;
    const updated = await trx
      .updateTable('re_evals')
      .set({ status, next_run_at: nextRunAt, updated_at: now })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const reEval = toReEval(updated, (await recentRuns(trx, ctx.tenantId, [row.id])).get(row.id) ?? []);
    const verb = status === 'paused' ? 'pause' : 'resume';
    await recordEvent(trx, ctx, {
      type: `re_eval.${status === 'paused' ? 'paused' : 'resumed'}`,
      resourceType: 're_eval',
      resourceId: id,
      projectId: reEval.project_id,
      payload: { re_eval: { ...reEval, runs: [] } },
    });
    await recordAudit(trx, ctx, {
      action: `re_eval.${verb}`,
      resourceType: 're_eval',
      resourceId: id,
      projectId: reEval.project_id,
      summary: `${verb}d re-eval ${id}`,
      details: { next_run_at: reEval.next_run_at },
    });
    return reEval;
  });
}

/** `POST /monitoring/re-evals/{id}/pause`: the scheduler leaves it alone until resumed. */
export function pauseReEval(db: Kysely<DB>, ctx: ServiceContext, id: string): Promise<ReEval> {
  return setStatus(db, ctx, id, 'paused');
}

/** `POST /monitoring/re-evals/{id}/resume`: active again, due at its next cron firing. */
export function resumeReEval(db: Kysely<DB>, ctx: ServiceContext, id: string): Promise<ReEval> {
  return setStatus(db, ctx, id, 'active');
}
