import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Logger } from '../../shared/logger.js';

/** How often a changed count is written, and how long a row outlives its last write. */
export interface ConsumerSnapshotTiming {
  readonly flushDelayMs: number;
  readonly heartbeatMs: number;
  readonly ttlMs: number;
}

export const CONSUMER_SNAPSHOT_TIMING: ConsumerSnapshotTiming = { flushDelayMs: 250, heartbeatMs: 2_000, ttlMs: 6_000 };

/**
 * The deliveries each consuming process holds, per job name, in `broker_consumers`: how
 * BrokerQueue counts active jobs on a broker that cannot (RabbitMQ's unacknowledged messages are
 * not visible over AMQP). One row per consumer, written at most every `flushDelayMs` while its
 * counts change and on a heartbeat; a process that dies stops counting once its row expires.
 */
export class ConsumerSnapshots {
  readonly #db: Kysely<DB>;
  readonly #queue: string;
  readonly #consumerId: string;
  readonly #timing: ConsumerSnapshotTiming;
  readonly #logger: Logger;
  #held: () => ReadonlyMap<string, number> = () => new Map();
  #flushTimer: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  #running = false;

  constructor(db: Kysely<DB>, queue: string, consumerId: string, logger: Logger, timing: ConsumerSnapshotTiming = CONSUMER_SNAPSHOT_TIMING) {
    this.#db = db;
    this.#queue = queue;
    this.#consumerId = consumerId;
    this.#logger = logger;
    this.#timing = timing;
  }

  /** Starts publishing what `held()` reports. */
  start(held: () => ReadonlyMap<string, number>): void {
    this.#held = held;
    this.#running = true;
    this.changed();
    this.#heartbeat = setInterval(() => this.#write(), this.#timing.heartbeatMs);
    this.#heartbeat.unref();
  }

  /** Schedules a write soon; many changes in a row make one write. */
  changed(): void {
    if (!this.#running || this.#flushTimer) return;
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined;
      this.#write();
    }, this.#timing.flushDelayMs);
    this.#flushTimer.unref();
  }

  /** Stops and deletes this consumer's row. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#flushTimer);
    clearInterval(this.#heartbeat);
    this.#flushTimer = undefined;
    await this.#writing;
    await this.#db
      .deleteFrom('broker_consumers')
      .where('queue', '=', this.#queue)
      .where('consumer_id', '=', this.#consumerId)
      .execute()
      .catch((error: unknown) => this.#logger.warn({ err: { message: (error as Error).message } }, 'could not remove the consumer snapshot; it expires'));
  }

  /** Deliveries held per job name by every other live consumer of the queue. */
  async othersHeld(): Promise<Map<string, number>> {
    const rows = await this.#db
      .selectFrom('broker_consumers')
      .select('held')
      .where('queue', '=', this.#queue)
      .where('consumer_id', '<>', this.#consumerId)
      .where('expires_at', '>', sql<Date>`now()`)
      .execute();
    const total = new Map<string, number>();
    for (const row of rows) {
      for (const [name, n] of Object.entries(row.held)) total.set(name, (total.get(name) ?? 0) + Number(n));
    }
    return total;
  }

  #write(): void {
    // Writes are chained so an older snapshot never lands after a newer one.
    this.#writing = this.#writing.then(async () => {
      if (!this.#running) return;
      const held = Object.fromEntries([...this.#held()].filter(([, n]) => n > 0));
      try {
        await this.#db
          .insertInto('broker_consumers')
          .values({
            queue: this.#queue,
            consumer_id: this.#consumerId,
            held: JSON.stringify(held),
            expires_at: sql<Date>`now() + ${this.#timing.ttlMs}::double precision * interval '1 millisecond'`,
          })
          .onConflict((oc) => oc.columns(['queue', 'consumer_id']).doUpdateSet((eb) => ({ held: eb.ref('excluded.held'), expires_at: eb.ref('excluded.expires_at') })))
          .execute();
      } catch (error) {
        this.#logger.warn({ err: { message: (error as Error).message } }, 'could not write the consumer snapshot');
      }
    });
  }
}
