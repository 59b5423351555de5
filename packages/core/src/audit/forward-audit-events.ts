import type { FtmDatabase } from '../db/open-database.js';
import type { Clock } from '../shared/clock.js';
import { backoffMs } from '../shared/backoff.js';
import { DependencyUnavailableError } from '../shared/errors.js';
import { HttpStatusError } from '../shared/http-client.js';
import type { Logger } from '../shared/logger.js';
import type { AuditEventRow } from './audit-event.js';
import type { AuditSink, ForwardedAuditEvent } from './audit-sink.js';

/** Arbitrary but fixed: one forwarding pass at a time across every FTM process on a PostgreSQL database. */
const FORWARD_LOCK_KEY = 7_311_204_651;

/** Dependencies and tuning of a forwarding pass. */
export interface ForwardAuditEventsOptions {
  readonly database: FtmDatabase;
  readonly sink: AuditSink;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Rows per pass (default 100). */
  readonly batchSize?: number;
  /**
   * Rows the sink refused, with when they may be tried again; kept by the caller across passes
   * (growing delays per row, so one bad row never holds back the rows after it).
   */
  readonly refused?: Map<string, number>;
  readonly refusalBackoff?: { readonly baseMs: number; readonly maxMs: number };
}

/** What a pass did. */
export interface ForwardPassResult {
  readonly forwarded: number;
  readonly refused: number;
  /** The sink was unavailable: the pass stopped, the rest waits for the next one. */
  readonly unavailable: boolean;
  /** Another process holds the forwarding lock. */
  readonly skipped: boolean;
}

/** The Orchestrator's body for an audit row. */
export function toForwardedAuditEvent(row: AuditEventRow): ForwardedAuditEvent {
  return {
    id: row.id,
    source: 'ftm',
    tenant_id: row.tenant_id,
    project_id: row.project_id,
    actor: { type: row.actor_type, id: row.actor_id },
    action: row.action,
    resource_type: row.resource_type,
    resource_id: row.resource_id,
    request_id: row.request_id,
    summary: row.summary,
    details: row.details,
    occurred_at: new Date(row.occurred_at).toISOString(),
  };
}

/**
 * One forwarding pass: unforwarded audit rows in the order they were written, one at a time,
 * each stored with the sink's id and `forwarded_at` as soon as the sink accepted it. An outage
 * stops the pass (the row keeps its error and attempt count; nothing is lost, and the sink's
 * idempotency on the row id means a row re-sent after a crash is not recorded twice). On
 * PostgreSQL an advisory lock keeps concurrent workers from forwarding the same rows.
 */
export async function forwardAuditEvents(options: ForwardAuditEventsOptions): Promise<ForwardPassResult> {
  if (options.database.dialect !== 'postgres') return forwardBatch(options);
  return options.database.withSession(async (session) => {
    const [lock] = await session.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [FORWARD_LOCK_KEY]);
    if (!lock?.locked) return { forwarded: 0, refused: 0, unavailable: false, skipped: true };
    try {
      return await forwardBatch(options);
    } finally {
      await session.query('select pg_advisory_unlock($1)', [FORWARD_LOCK_KEY]);
    }
  });
}

async function forwardBatch(options: ForwardAuditEventsOptions): Promise<ForwardPassResult> {
  const { database, sink, clock, logger } = options;
  const db = database.db;
  const refusedUntil = options.refused ?? new Map<string, number>();
  const backoff = options.refusalBackoff ?? { baseMs: 30_000, maxMs: 60 * 60 * 1000 };
  const batchSize = options.batchSize ?? 100;
  const nowMs = clock.now().getTime();
  const waiting = [...refusedUntil].filter(([, until]) => until > nowMs).map(([id]) => id);
  let q = db.selectFrom('audit_events').selectAll().where('forwarded_at', 'is', null);
  if (waiting.length > 0) q = q.where('id', 'not in', waiting);
  const rows = await q.orderBy('occurred_at').orderBy('id').limit(batchSize).execute();
  let forwarded = 0;
  let refused = 0;
  for (const row of rows) {
    let orchestratorId: string;
    try {
      orchestratorId = await sink.send(toForwardedAuditEvent(row));
    } catch (error) {
      const unavailable = !(error instanceof HttpStatusError);
      const message = unavailable ? (error instanceof DependencyUnavailableError ? error.message : 'audit sink failed') : `refused with HTTP ${error.status}`;
      await db
        .updateTable('audit_events')
        .set((eb) => ({ forward_attempts: eb('forward_attempts', '+', 1), forward_error: message }))
        .where('id', '=', row.id)
        .where('forwarded_at', 'is', null)
        .execute();
      if (unavailable) {
        logger.warn({ auditEventId: row.id, err: { message } }, 'audit forwarding paused: the sink is unavailable');
        return { forwarded, refused, unavailable: true, skipped: false };
      }
      refused += 1;
      const delay = backoffMs(Math.min(row.forward_attempts, 16) + 1, { ...backoff, jitter: 'none' });
      refusedUntil.set(row.id, clock.now().getTime() + delay);
      logger.warn({ auditEventId: row.id, status: (error as HttpStatusError).status }, 'the audit sink refused a row; it is retried later');
      continue;
    }
    await db
      .updateTable('audit_events')
      .set((eb) => ({
        orchestrator_audit_id: orchestratorId,
        forwarded_at: clock.now(),
        forward_attempts: eb('forward_attempts', '+', 1),
        forward_error: null,
      }))
      .where('id', '=', row.id)
      .where('forwarded_at', 'is', null)
      .execute();
    refusedUntil.delete(row.id);
    forwarded += 1;
  }
  return { forwarded, refused, unavailable: false, skipped: false };
}
