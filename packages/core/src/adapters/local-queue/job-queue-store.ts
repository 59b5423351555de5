import { sql, type ExpressionBuilder, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import type { DB, JobQueueTable } from '../../db/schema.js';
import type { DeadLetter, JobNameDepth, QueueDepth } from '../../ports/queue.js';

/** The NOTIFY channel enqueues announce themselves on; its payload is the job name. */
export const JOB_QUEUE_CHANNEL = 'ftm_job_queue';

/** A job_queue row as the consumer reads it. */
export type JobRow = Selectable<JobQueueTable>;

/** Database time plus `ms`: every worker compares against the same clock, the database's. */
function msFromNow(ms: number): RawBuilder<Date> {
  return sql<Date>`now() + ${ms}::double precision * interval '1 millisecond'`;
}

const now = (): RawBuilder<Date> => sql<Date>`now()`;

/** Still active under the same worker and attempt: a worker whose lease expired cannot overwrite. */
function held(eb: ExpressionBuilder<DB, 'job_queue'>, lease: JobLease) {
  return eb.and([eb('id', '=', lease.id), eb('status', '=', 'active'), eb('locked_by', '=', lease.workerId), eb('attempt', '=', lease.attempt)]);
}

/** A job to insert, with every default applied. */
export interface NewJob {
  readonly id: string;
  readonly name: string;
  readonly payload: unknown;
  readonly maxAttempts: number;
  readonly backoffMs: number;
  readonly delayMs: number;
}

/** The identity a worker holds a claimed job under; updates from a stale holder are ignored. */
export interface JobLease {
  readonly id: string;
  readonly attempt: number;
  readonly workerId: string;
}

/** Every SQL statement of the local queue, over the `job_queue` table. */
export class JobQueueStore {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * Inserts a job. A job id that is waiting, active or dead-lettered is left alone (dedupe; dead
   * letters come back through replay); a succeeded one starts over as a new job.
   */
  async insert(job: NewJob): Promise<void> {
    await this.db
      .insertInto('job_queue')
      .values({
        id: job.id,
        name: job.name,
        payload: JSON.stringify(job.payload ?? null),
        max_attempts: job.maxAttempts,
        backoff_ms: job.backoffMs,
        run_at: msFromNow(job.delayMs),
      })
      .onConflict((oc) =>
        oc
          .column('id')
          .doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            payload: eb.ref('excluded.payload'),
            status: 'waiting',
            attempt: 0,
            max_attempts: eb.ref('excluded.max_attempts'),
            backoff_ms: eb.ref('excluded.backoff_ms'),
            run_at: eb.ref('excluded.run_at'),
            locked_until: null,
            locked_by: null,
            last_error: null,
            finished_at: null,
            created_at: now(),
            updated_at: now(),
          }))
          .where('job_queue.status', '=', 'succeeded'),
      )
      .execute();
  }

  async notify(name: string): Promise<void> {
    await sql`select pg_notify(${JOB_QUEUE_CHANNEL}, ${name})`.execute(this.db);
  }

  /**
   * Claims up to `limit` runnable jobs for `workerId`: waiting ones that are due, and active ones
   * whose lease ran out (their worker died). SKIP LOCKED lets many workers claim side by side.
   */
  async claim(names: readonly string[], limit: number, workerId: string, leaseMs: number): Promise<JobRow[]> {
    if (names.length === 0 || limit <= 0) return [];
    return this.db
      .updateTable('job_queue')
      .set({
        status: 'active',
        attempt: sql<number>`attempt + 1`,
        locked_by: workerId,
        locked_until: msFromNow(leaseMs),
        updated_at: now(),
      })
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('job_queue')
          .select('id')
          .where('name', 'in', names)
          .where((w) => w.or([w.and([w('status', '=', 'waiting'), w('run_at', '<=', now())]), w.and([w('status', '=', 'active'), w('locked_until', '<', now())])]))
          .orderBy('run_at')
          .limit(limit)
          .forUpdate()
          .skipLocked(),
      )
      .returningAll()
      .execute();
  }

  /** Extends the leases this worker still holds; returns the ids it still holds. */
  async extendLeases(ids: readonly string[], workerId: string, leaseMs: number): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db
      .updateTable('job_queue')
      .set({ locked_until: msFromNow(leaseMs), updated_at: now() })
      .where('id', 'in', ids)
      .where('locked_by', '=', workerId)
      .where('status', '=', 'active')
      .returning('id')
      .execute();
    return new Set(rows.map((r) => r.id));
  }

  /** Marks a job done; returns false when the lease was lost and another worker owns the job. */
  async complete(lease: JobLease): Promise<boolean> {
    const result = await this.db
      .updateTable('job_queue')
      .set({ status: 'succeeded', finished_at: now(), updated_at: now(), locked_until: null, locked_by: null })
      .where((eb) => held(eb, lease))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Puts a failed job back to waiting after `retryInMs`. */
  async retry(lease: JobLease, error: string, retryInMs: number): Promise<boolean> {
    const result = await this.db
      .updateTable('job_queue')
      .set({
        status: 'waiting',
        run_at: msFromNow(retryInMs),
        last_error: error,
        updated_at: now(),
        locked_until: null,
        locked_by: null,
      })
      .where((eb) => held(eb, lease))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async deadLetter(lease: JobLease, error: string): Promise<boolean> {
    const result = await this.db
      .updateTable('job_queue')
      .set({
        status: 'dead_letter',
        last_error: error,
        finished_at: now(),
        updated_at: now(),
        locked_until: null,
        locked_by: null,
      })
      .where((eb) => held(eb, lease))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async depth(): Promise<QueueDepth> {
    const { rows } = await sql<QueueDepth>`
      select
        (count(*) filter (where status = 'waiting' and run_at <= now()))::int as "waiting",
        (count(*) filter (where status = 'active'))::int as "active",
        (count(*) filter (where status = 'waiting' and run_at > now()))::int as "delayed",
        (count(*) filter (where status = 'dead_letter'))::int as "deadLetter"
      from job_queue where status <> 'succeeded'`.execute(this.db);
    return rows[0] ?? { waiting: 0, active: 0, delayed: 0, deadLetter: 0 };
  }

  async depthByName(): Promise<JobNameDepth[]> {
    const { rows } = await sql<JobNameDepth>`
      select
        name,
        (count(*) filter (where status = 'waiting' and run_at <= now()))::int as "waiting",
        (count(*) filter (where status = 'active'))::int as "active",
        (count(*) filter (where status = 'waiting' and run_at > now()))::int as "delayed",
        (count(*) filter (where status = 'dead_letter'))::int as "deadLetter"
      from job_queue where status <> 'succeeded'
      group by name order by name collate "C"`.execute(this.db);
    return rows;
  }

  async listDeadLetters(since: Date | undefined, limit: number): Promise<DeadLetter[]> {
    let query = this.db.selectFrom('job_queue').select(['id', 'name', 'payload', 'attempt', 'last_error', 'finished_at']).where('status', '=', 'dead_letter');
    if (since) query = query.where('finished_at', '>=', since);
    const rows = await query.orderBy('finished_at').orderBy('id').limit(limit).execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      payload: r.payload,
      attempts: r.attempt,
      lastError: r.last_error,
      failedAt: new Date(r.finished_at ?? 0),
    }));
  }

  /** Dead letters back to waiting with a fresh attempt budget; returns the names replayed. */
  async replayDeadLetters(since: Date | undefined, ids: readonly string[] | undefined): Promise<string[]> {
    if (ids && ids.length === 0) return [];
    let query = this.db.updateTable('job_queue').set({ status: 'waiting', attempt: 0, run_at: now(), finished_at: null, updated_at: now() }).where('status', '=', 'dead_letter');
    if (since) query = query.where('finished_at', '>=', since);
    if (ids) query = query.where('id', 'in', ids);
    const rows = await query.returning('name').execute();
    return rows.map((r) => r.name);
  }

  /** Deletes succeeded jobs finished longer than `retentionMs` ago; returns how many. */
  async prune(retentionMs: number): Promise<number> {
    const result = await this.db.deleteFrom('job_queue').where('status', '=', 'succeeded').where('finished_at', '<', msFromNow(-retentionMs)).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async check(): Promise<void> {
    await this.db.selectFrom('job_queue').select('id').limit(1).execute();
  }
}
