import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { DeadLetter } from '../../ports/queue.js';

/** A job as the ledger stores it. `attempt` counts the attempts already made. */
export interface LedgerJob {
  readonly id: string;
  readonly name: string;
  readonly token: string;
  readonly payload: unknown;
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly backoffMs: number;
}

/** A scheduled row that is due, as the promoter publishes it. */
export interface DueJob extends LedgerJob {}

/** Ledger counts of one job name: due and future scheduled rows, and dead letters. */
export interface LedgerCounts {
  readonly name: string;
  readonly due: number;
  readonly future: number;
  readonly deadLetter: number;
}

/** Database time plus `ms`: every process compares against the database's clock. */
function msFromNow(ms: number): RawBuilder<Date> {
  return sql<Date>`now() + ${ms}::double precision * interval '1 millisecond'`;
}

const now = (): RawBuilder<Date> => sql<Date>`now()`;
const json = (value: unknown): string => JSON.stringify(value ?? null);

/**
 * Every SQL statement of the broker queues' ledger (`broker_jobs`), scoped to one queue name.
 * Rows are keyed by job id; a row's token says which enqueue owns it, so a late message of an
 * earlier life of the same job id never changes a newer row.
 */
export class JobLedger {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly queue: string,
  ) {}

  /** The same ledger inside a transaction. */
  within(trx: Kysely<DB>): JobLedger {
    return new JobLedger(trx, this.queue);
  }

  /** The row of a job waiting to run in `runInMs`. */
  #scheduledRow(job: LedgerJob, runInMs: number) {
    return {
      queue: this.queue,
      id: job.id,
      name: job.name,
      status: 'scheduled',
      token: job.token,
      payload: json(job.payload),
      attempt: job.attempt,
      max_attempts: job.maxAttempts,
      backoff_ms: job.backoffMs,
      run_at: msFromNow(runInMs),
    } as const;
  }

  /**
   * Writes a scheduled row due in `runInMs`; false when the job id already has a row (waiting,
   * running or dead-lettered: the enqueue is a duplicate). An immediate job is inserted due a
   * grace period later and marked queued once published, so a process that dies between the two
   * leaves a row that a promoter publishes when the grace period is over: the job is never lost.
   */
  async insert(job: LedgerJob, runInMs: number): Promise<boolean> {
    const rows = await this.db
      .insertInto('broker_jobs')
      .values(this.#scheduledRow(job, runInMs))
      .onConflict((oc) => oc.columns(['queue', 'id']).doNothing())
      .returning('id')
      .execute();
    return rows.length > 0;
  }

  /** A published job: its message now carries it (and its payload, unless `keepPayload`). */
  async markQueued(id: string, token: string, keepPayload: boolean): Promise<void> {
    await this.db
      .updateTable('broker_jobs')
      .set({ status: 'queued', run_at: null, updated_at: now(), ...(keepPayload ? {} : { payload: null }) })
      .where('queue', '=', this.queue)
      .where('id', '=', id)
      .where('token', '=', token)
      .where('status', '=', 'scheduled')
      .execute();
  }

  /** Deletes the row of a job that succeeded (or whose enqueue failed). */
  async remove(id: string, token: string): Promise<void> {
    await this.db.deleteFrom('broker_jobs').where('queue', '=', this.queue).where('id', '=', id).where('token', '=', token).execute();
  }

  /** The stored payload of a job; undefined when its row is gone (the job already succeeded). */
  async payloadOf(id: string, token: string): Promise<{ payload: unknown } | undefined> {
    const row = await this.db.selectFrom('broker_jobs').select('payload').where('queue', '=', this.queue).where('id', '=', id).where('token', '=', token).executeTakeFirst();
    return row ? { payload: row.payload } : undefined;
  }

  /**
   * Schedules the next attempt of a job that failed. A job without a row gets one; a row owned
   * by another token (a newer enqueue of the job id) is left alone, since that job runs anyway.
   */
  async scheduleRetry(job: LedgerJob, lastError: string, runInMs: number): Promise<void> {
    await this.db
      .insertInto('broker_jobs')
      .values({ ...this.#scheduledRow(job, runInMs), last_error: lastError })
      .onConflict((oc) =>
        oc
          .columns(['queue', 'id'])
          .doUpdateSet((eb) => ({
            status: 'scheduled',
            payload: eb.ref('excluded.payload'),
            attempt: eb.ref('excluded.attempt'),
            run_at: eb.ref('excluded.run_at'),
            last_error: eb.ref('excluded.last_error'),
            updated_at: now(),
          }))
          .where('broker_jobs.token', '=', job.token),
      )
      .execute();
  }

  /** Records a dead letter (same ownership rule as scheduleRetry). */
  async deadLetter(job: LedgerJob, lastError: string): Promise<void> {
    await this.db
      .insertInto('broker_jobs')
      .values({
        queue: this.queue,
        id: job.id,
        name: job.name,
        status: 'dead_letter',
        token: job.token,
        payload: json(job.payload),
        attempt: job.attempt,
        max_attempts: job.maxAttempts,
        backoff_ms: job.backoffMs,
        last_error: lastError,
        failed_at: now(),
      })
      .onConflict((oc) =>
        oc
          .columns(['queue', 'id'])
          .doUpdateSet((eb) => ({
            status: 'dead_letter',
            payload: eb.ref('excluded.payload'),
            attempt: eb.ref('excluded.attempt'),
            run_at: null,
            last_error: eb.ref('excluded.last_error'),
            failed_at: now(),
            updated_at: now(),
          }))
          .where('broker_jobs.token', '=', job.token),
      )
      .execute();
  }

  /** Due scheduled rows, locked for this transaction (others skip them): call within one. */
  async lockDue(limit: number): Promise<DueJob[]> {
    const rows = await this.db
      .selectFrom('broker_jobs')
      .select(['id', 'name', 'token', 'payload', 'attempt', 'max_attempts', 'backoff_ms'])
      .where('queue', '=', this.queue)
      .where('status', '=', 'scheduled')
      .where('run_at', '<=', now())
      .orderBy('run_at')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      token: r.token,
      payload: r.payload,
      attempt: r.attempt,
      maxAttempts: r.max_attempts,
      backoffMs: r.backoff_ms,
    }));
  }

  /** Milliseconds until the next scheduled row is due (0 if one is due), undefined if none. */
  async msUntilNextDue(): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('broker_jobs')
      .select(sql<number | null>`extract(epoch from (min(run_at) - now())) * 1000`.as('ms'))
      .where('queue', '=', this.queue)
      .where('status', '=', 'scheduled')
      .executeTakeFirst();
    const ms = row?.ms;
    return ms === null || ms === undefined ? undefined : Math.max(0, Number(ms));
  }

  /** Dead letters back to scheduled-now with a fresh attempt budget and token; returns how many. */
  async replay(since: Date | undefined, ids: readonly string[] | undefined): Promise<number> {
    if (ids && ids.length === 0) return 0;
    let query = this.db
      .updateTable('broker_jobs')
      .set({
        status: 'scheduled',
        attempt: 0,
        run_at: now(),
        token: sql<string>`gen_random_uuid()::text`,
        failed_at: null,
        updated_at: now(),
      })
      .where('queue', '=', this.queue)
      .where('status', '=', 'dead_letter');
    if (since) query = query.where('failed_at', '>=', since);
    if (ids) query = query.where('id', 'in', ids);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async listDeadLetters(since: Date | undefined, limit: number): Promise<DeadLetter[]> {
    let query = this.db.selectFrom('broker_jobs').select(['id', 'name', 'payload', 'attempt', 'last_error', 'failed_at']).where('queue', '=', this.queue).where('status', '=', 'dead_letter');
    if (since) query = query.where('failed_at', '>=', since);
    const rows = await query.orderBy('failed_at').orderBy('id').limit(limit).execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      payload: r.payload,
      attempts: r.attempt,
      lastError: r.last_error,
      failedAt: new Date(r.failed_at ?? 0),
    }));
  }

  /** Scheduled (due and future) and dead-lettered rows per job name. */
  async countsByName(): Promise<LedgerCounts[]> {
    const { rows } = await sql<LedgerCounts>`
      select
        name,
        (count(*) filter (where status = 'scheduled' and run_at <= now()))::int as "due",
        (count(*) filter (where status = 'scheduled' and run_at > now()))::int as "future",
        (count(*) filter (where status = 'dead_letter'))::int as "deadLetter"
      from broker_jobs where queue = ${this.queue} and status <> 'queued'
      group by name`.execute(this.db);
    return rows;
  }

  /** Every job name with a row. */
  async names(): Promise<string[]> {
    const rows = await this.db.selectFrom('broker_jobs').select('name').distinct().where('queue', '=', this.queue).execute();
    return rows.map((r) => r.name);
  }

  /** Deletes every row of this queue (and its consumer snapshots): a test and tooling hook. */
  async deleteAll(): Promise<void> {
    await this.db.deleteFrom('broker_jobs').where('queue', '=', this.queue).execute();
    await this.db.deleteFrom('broker_consumers').where('queue', '=', this.queue).execute();
  }

  async check(): Promise<void> {
    await this.db.selectFrom('broker_jobs').select('id').where('queue', '=', this.queue).limit(1).execute();
  }
}
