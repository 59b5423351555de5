import { sql, type Selectable, type Transaction } from 'kysely';
import type { FtmDatabase } from '../db/open-database.js';
import type { DB, OutboxEventsTable } from '../db/schema.js';
import type { EnqueueOptions, Queue } from '../ports/queue.js';
import { FtmError } from '../shared/errors.js';
import { OUTBOX_DISPATCH_JOB, type OutboxDispatchPayload } from './outbox-dispatch-job.js';

/** Where a relay pass reads events from and enqueues them to. */
export interface RelayOutboxOptions {
  readonly database: FtmDatabase;
  readonly queue: Queue;
  /** Events per pass (default 100). */
  readonly batchSize?: number;
  /** Attempts and backoff of the dispatch jobs (the queue's defaults otherwise). */
  readonly jobOptions?: Pick<EnqueueOptions, 'maxAttempts' | 'backoffMs'>;
}

type OutboxRow = Selectable<OutboxEventsTable>;

/** Thrown after a pass in which the queue failed part-way; the events before the failure are marked. */
export class OutboxRelayError extends FtmError {
  override readonly name = 'OutboxRelayError';
  constructor(
    readonly dispatched: number,
    options: { cause: unknown },
  ) {
    super(`the queue refused an outbox event after ${dispatched} were dispatched`, options);
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
 * One relay pass: takes up to `batchSize` undispatched outbox events in seq order, enqueues one
 * `outbox.dispatch` job per event (job id = event id), then marks them dispatched. Delivery is at
 * least once: a crash between the enqueue and the mark re-enqueues the same job id later, which
 * the queue deduplicates while the first copy is pending and consumers tolerate otherwise.
 * Returns how many events were dispatched.
 */
export async function relayOutbox(options: RelayOutboxOptions): Promise<number> {
  const batchSize = options.batchSize ?? 100;
  const { database } = options;
  if (database.dialect === 'postgres') {
    const outcome = await database.db.transaction().execute(async (trx) => {
      // SKIP LOCKED: concurrent relays each take different events instead of queueing behind one.
      const events = await trx
        .selectFrom('outbox_events')
        .selectAll()
        .where('dispatched_at', 'is', null)
        .orderBy('seq')
        .limit(batchSize)
        .forNoKeyUpdate()
        .skipLocked()
        .execute();
      return enqueueAndMark(trx, events, options);
    });
    if (outcome.error !== undefined) throw new OutboxRelayError(outcome.dispatched, { cause: outcome.error });
    return outcome.dispatched;
  }
  // PGlite is one in-process session: a transaction held across enqueue would deadlock with a
  // local queue on the same database, and there is no other process to lock rows against.
  const events = await database.db
    .selectFrom('outbox_events')
    .selectAll()
    .where('dispatched_at', 'is', null)
    .orderBy('seq')
    .limit(batchSize)
    .execute();
  const outcome = await enqueueAndMark(database.db, events, options);
  if (outcome.error !== undefined) throw new OutboxRelayError(outcome.dispatched, { cause: outcome.error });
  return outcome.dispatched;
}

async function enqueueAndMark(
  db: Transaction<DB> | FtmDatabase['db'],
  events: readonly OutboxRow[],
  options: RelayOutboxOptions,
): Promise<{ dispatched: number; error?: unknown }> {
  const enqueued: string[] = [];
  let error: unknown;
  for (const event of events) {
    try {
      await options.queue.enqueue(OUTBOX_DISPATCH_JOB, toDispatchPayload(event), { ...options.jobOptions, jobId: event.id });
      enqueued.push(event.id);
    } catch (e) {
      error = e;
      break;
    }
  }
  if (enqueued.length > 0) {
    await db
      .updateTable('outbox_events')
      .set({ dispatched_at: sql<Date>`now()` })
      .where('id', 'in', enqueued)
      .where('dispatched_at', 'is', null)
      .execute();
  }
  return error === undefined ? { dispatched: enqueued.length } : { dispatched: enqueued.length, error };
}
