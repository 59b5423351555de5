import { sql, type Selectable, type Transaction } from 'kysely';
import type { FtmDatabase } from '../db/open-database.js';
import type { DB, OutboxEventsTable } from '../db/schema.js';
import type { Queue } from '../ports/queue.js';
import { enqueueJob } from '../shared/enqueue-job.js';
import { FtmError } from '../shared/errors.js';
import { dispatchBatchJobId, outboxDispatchJob, type OutboxDispatchBatch, type OutboxDispatchPayload } from './outbox-jobs.js';

/** Where a relay pass reads events from and enqueues them to. */
export interface RelayOutboxOptions {
  readonly database: FtmDatabase;
  readonly queue: Queue;
  /** Events per pass (default 100). The dispatch jobs' attempts and backoff are those of `outboxDispatchJob`. */
  readonly batchSize?: number;
}

type OutboxRow = Selectable<OutboxEventsTable>;

/** Thrown after a pass whose batch the queue refused; its events stay undispatched. */
export class OutboxRelayError extends FtmError {
  override readonly name = 'OutboxRelayError';
  constructor(
    readonly dispatched: number,
    options: { cause: unknown },
  ) {
    super(`the queue refused a batch of outbox events (${dispatched} dispatched in this pass)`, options);
  }
}

/** The job payload for one outbox row. */
export function toDispatchPayload(e: OutboxRow): OutboxDispatchPayload {
  return {
    eventId: e.id,
    seq: Number(e.seq),
    type: e.type,
    tenantId: e.tenant_id,
    projectId: e.project_id,
    resourceType: e.resource_type,
    resourceId: e.resource_id,
    requestId: e.request_id,
    occurredAt: new Date(e.occurred_at).toISOString(),
    data: e.payload,
  };
}

/**
 * One relay pass: takes up to `batchSize` undispatched outbox events in seq order, enqueues them
 * as one `outbox.dispatch` job (one queue write per pass, whatever its size), then marks them
 * dispatched. Delivery is at least once: a crash between the enqueue and the mark re-enqueues the
 * events later (the same batch under the same job id, which the queue deduplicates while the
 * first copy is pending), and consumers tolerate a second dispatch of an event.
 * Returns how many events were dispatched.
 */
export async function relayOutbox(options: RelayOutboxOptions): Promise<number> {
  const batchSize = options.batchSize ?? 100;
  const { database } = options;
  if (database.dialect === 'postgres') {
    const outcome = await database.db.transaction().execute(async (trx) => {
      // SKIP LOCKED: concurrent relays each take different events instead of queueing behind one.
      const events = await trx.selectFrom('outbox_events').selectAll().where('dispatched_at', 'is', null).orderBy('seq').limit(batchSize).forNoKeyUpdate().skipLocked().execute();
      return enqueueAndMark(trx, events, options);
    });
    if (outcome.error !== undefined) throw new OutboxRelayError(outcome.dispatched, { cause: outcome.error });
    return outcome.dispatched;
  }
  // PGlite is one in-process session: a transaction held across enqueue would deadlock with a
  // local queue on the same database, and there is no other process to lock rows against.
  const events = await database.db.selectFrom('outbox_events').selectAll().where('dispatched_at', 'is', null).orderBy('seq').limit(batchSize).execute();
  const outcome = await enqueueAndMark(database.db, events, options);
  if (outcome.error !== undefined) throw new OutboxRelayError(outcome.dispatched, { cause: outcome.error });
  return outcome.dispatched;
}

async function enqueueAndMark(db: Transaction<DB> | FtmDatabase['db'], events: readonly OutboxRow[], options: RelayOutboxOptions): Promise<{ dispatched: number; error?: unknown }> {
  if (events.length === 0) return { dispatched: 0 };
  const ids = events.map((e) => e.id);
  const batch: OutboxDispatchBatch = { events: events.map(toDispatchPayload) };
  try {
    await enqueueJob(options.queue, outboxDispatchJob, batch, { jobId: dispatchBatchJobId(ids) });
  } catch (error) {
    return { dispatched: 0, error };
  }
  await db
    .updateTable('outbox_events')
    .set({ dispatched_at: sql<Date>`now()` })
    .where('id', 'in', ids)
    .where('dispatched_at', 'is', null)
    .execute();
  return { dispatched: events.length };
}
