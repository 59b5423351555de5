import type { Kysely, Transaction, Updateable } from 'kysely';
import type { DB, FtJobsTable, FtJobStatus } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { NotFoundError } from '../shared/errors.js';
import { isUuid } from '../shared/ids.js';
import { recordEvent } from '../outbox/record-event.js';
import { recordAudit } from '../audit/record-audit.js';
import { toFtJob, type FtJob, type FtJobRow } from './ft-job.js';

/** The tenant's job (inside the key's project when it is project-scoped), or NotFoundError. */
export async function findFtJobRow(db: Kysely<DB> | Transaction<DB>, ctx: Pick<ServiceContext, 'tenantId' | 'projectId'>, id: string, forUpdate = false): Promise<FtJobRow> {
  if (!isUuid(id)) throw new NotFoundError('ft_job', id);
  let query = db.selectFrom('ft_jobs').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', id);
  if (ctx.projectId) query = query.where('project_id', '=', ctx.projectId);
  const row = await (forUpdate ? query.forUpdate() : query).executeTakeFirst();
  if (!row) throw new NotFoundError('ft_job', id);
  return row;
}

/** Updates one job row and returns it. */
export async function updateFtJobRow(trx: Transaction<DB>, tenantId: string, id: string, patch: Updateable<FtJobsTable>): Promise<FtJobRow> {
  return trx.updateTable('ft_jobs').set(patch).where('tenant_id', '=', tenantId).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** One of our own timeline entries. */
export interface TimelineEntry {
  readonly type: string;
  readonly message: string;
  readonly level?: 'info' | 'warn' | 'error';
  readonly data?: Record<string, unknown>;
}

/** Appends FTM's own entries to the job's timeline. */
export async function appendTimeline(trx: Transaction<DB>, ctx: ServiceContext, ftJobId: string, entries: readonly TimelineEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const at = ctx.clock.now();
  await trx
    .insertInto('ft_job_events')
    .values(
      entries.map((e) => ({
        id: ctx.ids.next(),
        tenant_id: ctx.tenantId,
        ft_job_id: ftJobId,
        source: 'ftm' as const,
        provider_event_id: null,
        level: e.level ?? 'info',
        type: e.type,
        message: e.message,
        data: JSON.stringify(e.data ?? {}),
        created_at: at,
      })),
    )
    .execute();
}

/**
 * The bookkeeping every change shares: a `status_changed` timeline entry when the status moved, the
 * `ft_job.updated` outbox event and an audit row, all in the caller's transaction.
 */
export async function recordFtJobChange(
  trx: Transaction<DB>,
  ctx: ServiceContext,
  change: { readonly previousStatus: FtJobStatus | null; readonly row: FtJobRow; readonly action: string; readonly summary: string; readonly details?: Record<string, unknown> },
): Promise<FtJob> {
  const job = toFtJob(change.row);
  if (change.previousStatus !== job.status) {
    await appendTimeline(trx, ctx, job.id, [
      {
        type: 'status_changed',
        level: job.status === 'failed' ? 'error' : 'info',
        message: change.previousStatus ? `status ${change.previousStatus} → ${job.status}` : `created as ${job.status}`,
        data: { from: change.previousStatus, to: job.status, reason: job.status_reason },
      },
    ]);
  }
  await recordEvent(trx, ctx, { type: 'ft_job.updated', resourceType: 'ft_job', resourceId: job.id, projectId: job.project_id, payload: { ft_job: job, previous_status: change.previousStatus } });
  await recordAudit(trx, ctx, {
    action: change.action,
    resourceType: 'ft_job',
    resourceId: job.id,
    projectId: job.project_id,
    summary: change.summary,
    details: { status: job.status, previous_status: change.previousStatus, provider: job.provider, ...change.details },
  });
  return job;
}

/** A ServiceContext for work the system does on a job's behalf (worker, webhook), in its tenant and project. */
export function systemContextFor(base: Pick<ServiceContext, 'clock' | 'ids' | 'logger'>, row: Pick<FtJobRow, 'tenant_id' | 'project_id' | 'id'>, requestId: string): ServiceContext {
  return {
    tenantId: row.tenant_id,
    projectId: row.project_id,
    actor: { type: 'system', id: 'ftm-worker', role: 'admin' },
    requestId,
    clock: base.clock,
    ids: base.ids,
    logger: base.logger.child({ ft_job_id: row.id }),
  };
}
