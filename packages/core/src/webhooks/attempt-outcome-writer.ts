import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Logger } from '../shared/logger.js';

/**
 * One attempt's common-path outcome (succeeded, or failed with a retry scheduled): the attempt row
 * and the delivery's next state. Dead letters and 410s are not written here: they need their own
 * transaction with an event and an audit row.
 */
export interface AttemptOutcomeWrite {
  readonly attemptId: string;
  readonly tenantId: string;
  readonly deliveryId: string;
  /** The attempt number; the delivery moves on only if it still is at this attempt and `delivering`. */
  readonly attempt: number;
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly error: string | null;
  readonly excerpt: string | null;
  readonly startedAt: Date;
  readonly status: 'succeeded' | 'pending';
  readonly nextAttemptAt: Date | null;
  readonly lastError: string | null;
  readonly now: Date;
}

/** The delivery a write moved on; null when it was superseded (only the attempt row was written). */
export type WrittenDelivery = { readonly id: string; readonly attempt_count: number } | null;

interface Waiting {
  readonly write: AttemptOutcomeWrite;
  readonly resolve: (row: WrittenDelivery) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group-commits attempt outcomes: writes that arrive while one statement is in flight are written
 * together by the next one, so a busy worker records many attempts per round trip and per WAL
 * flush, while a lone attempt is written at once. Each caller's promise settles when its own row
 * is committed, so nothing is reported done before it is durable. A failed group is written again
 * row by row, so one bad row fails only its own caller.
 */
export class AttemptOutcomeWriter {
  readonly #db: Kysely<DB>;
  readonly #maxBatch: number;
  readonly #logger: Logger | undefined;
  #waiting: Waiting[] = [];
  #flushing = false;

  constructor(db: Kysely<DB>, options: { maxBatch?: number; logger?: Logger } = {}) {
    this.#db = db;
    this.#maxBatch = options.maxBatch ?? 200;
    this.#logger = options.logger;
  }

  /** Writes the attempt row and moves the delivery on; resolves once committed. */
  write(write: AttemptOutcomeWrite): Promise<WrittenDelivery> {
    return new Promise<WrittenDelivery>((resolve, reject) => {
      this.#waiting.push({ write, resolve, reject });
      if (!this.#flushing) {
        this.#flushing = true;
        // One macrotask of gathering: attempts answered in the same I/O turn share the statement.
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#waiting.length > 0) {
        const group = this.#waiting.splice(0, this.#maxBatch);
        await this.#writeGroup(group);
      }
    } finally {
      this.#flushing = false;
    }
  }

  async #writeGroup(group: readonly Waiting[]): Promise<void> {
    try {
      const written = await writeOutcomes(
        this.#db,
        group.map((w) => w.write),
      );
      for (const w of group) w.resolve(written.get(`${w.write.deliveryId}/${w.write.attempt}`) ?? null);
    } catch (error) {
      if (group.length === 1) {
        group[0]!.reject(error);
        return;
      }
      this.#logger?.warn({ err: { message: (error as Error).message }, size: group.length }, 'grouped attempt write failed; writing one by one');
      for (const w of group) await this.#writeGroup([w]);
    }
  }
}

/** One statement: insert (or complete) every attempt row, then move on the deliveries still at that attempt. */
async function writeOutcomes(db: Kysely<DB>, writes: readonly AttemptOutcomeWrite[]): Promise<Map<string, { id: string; attempt_count: number }>> {
  const rows = writes.map(
    (w) =>
      sql`(${w.deliveryId}::uuid, ${w.tenantId}::uuid, ${w.attempt}::int, ${w.attemptId}::uuid, ${w.statusCode}::int, ${w.latencyMs}::int, ${w.error}::text, ${w.excerpt}::text, ${w.startedAt}::timestamptz, ${w.status}::text, ${w.nextAttemptAt}::timestamptz, ${w.lastError}::text, ${w.now}::timestamptz)`,
  );
  const { rows: moved } = await sql<{ id: string; attempt_count: number }>`
    with input (delivery_id, tenant_id, attempt, attempt_id, status_code, latency_ms, error, excerpt, started_at, status, next_attempt_at, last_error, now) as (
      values ${sql.join(rows)}
    ),
    recorded as (
      insert into webhook_attempts (id, tenant_id, delivery_id, attempt, status_code, latency_ms, error, response_excerpt, started_at)
      select attempt_id, tenant_id, delivery_id, attempt, status_code, latency_ms, error, excerpt, started_at from input
      on conflict (delivery_id, attempt) do update set
        status_code = excluded.status_code, latency_ms = excluded.latency_ms, error = excluded.error, response_excerpt = excluded.response_excerpt
    )
    update webhook_deliveries d set
      status = i.status,
      next_attempt_at = i.next_attempt_at,
      last_status_code = i.status_code,
      last_error = i.last_error,
      updated_at = i.now,
      succeeded_at = case when i.status = 'succeeded' then i.now else d.succeeded_at end
    from input i
    where d.id = i.delivery_id and d.status = 'delivering' and d.attempt_count = i.attempt
    returning d.id, d.attempt_count`.execute(db);
  return new Map(moved.map((r) => [`${r.id}/${r.attempt_count}`, r]));
}
