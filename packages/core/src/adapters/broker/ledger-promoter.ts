import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Logger } from '../../shared/logger.js';
import type { JobLedger, DueJob } from './job-ledger.js';
import type { MessageBroker } from './message-broker.js';
import { bodyBytes, encodeEnvelope } from './job-envelope.js';

/** What the promoter needs. */
export interface LedgerPromoterOptions {
  readonly db: Kysely<DB>;
  readonly ledger: JobLedger;
  readonly broker: MessageBroker;
  /** Payloads whose message would be larger stay in the ledger row. */
  readonly maxMessageBytes: number;
  /** Longest sleep between looks at the ledger (delays enqueued by other processes show up this late at most). */
  readonly pollIntervalMs: number;
  readonly batchSize?: number;
  readonly logger: Logger;
}

const PUBLISH_CONCURRENCY = 16;

/**
 * Publishes scheduled ledger rows (delayed jobs, retries after their backoff, replayed dead
 * letters, and immediate jobs whose enqueue died before publishing) once they are due. Rows are
 * locked FOR UPDATE SKIP LOCKED in a transaction held across the publishes, so promoters in
 * several processes never publish the same row twice; a crash mid-batch leaves the rows
 * scheduled, and at worst a job is published twice (delivery is at least once anyway).
 */
export class LedgerPromoter {
  readonly #o: LedgerPromoterOptions;
  readonly #batchSize: number;
  #running = false;
  #loop: Promise<void> | undefined;
  #wakeAt = Number.POSITIVE_INFINITY;
  #sleeper: { timer: NodeJS.Timeout; resolve: () => void } | undefined;

  constructor(options: LedgerPromoterOptions) {
    this.#o = options;
    this.#batchSize = options.batchSize ?? 100;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#interrupt();
    await this.#loop;
    this.#loop = undefined;
  }

  /** Tells a running promoter that a row falls due in `inMs`, so it does not sleep past it. */
  wake(inMs = 0): void {
    if (!this.#running) return;
    const at = Date.now() + Math.max(0, inMs);
    if (at >= this.#wakeAt) return;
    this.#wakeAt = at;
    this.#interrupt();
  }

  /** Publishes every due row now; returns how many were published. */
  async promoteDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const { published, locked } = await this.#promoteBatch();
      total += published;
      if (locked < this.#batchSize || published < locked) return total;
    }
  }

  async #promoteBatch(): Promise<{ published: number; locked: number }> {
    return this.#o.db.transaction().execute(async (trx) => {
      const ledger = this.#o.ledger.within(trx);
      const due = await ledger.lockDue(this.#batchSize);
      const published: { job: DueJob; stored: boolean }[] = [];
      for (let i = 0; i < due.length; i += PUBLISH_CONCURRENCY) {
        const slice = due.slice(i, i + PUBLISH_CONCURRENCY);
        const results = await Promise.allSettled(slice.map((job) => this.#publish(job)));
        results.forEach((r, j) => {
          if (r.status === 'fulfilled') published.push({ job: slice[j]!, stored: r.value });
          else this.#o.logger.warn({ jobId: slice[j]!.id, err: { message: (r.reason as Error).message } }, 'publishing a due job failed; it stays scheduled');
        });
      }
      for (const { job, stored } of published) await ledger.markQueued(job.id, job.token, stored);
      return { published: published.length, locked: due.length };
    });
  }

  /** Publishes one due job; true when its payload stays in the ledger row. */
  async #publish(job: DueJob): Promise<boolean> {
    const base = { v: 1 as const, id: job.id, name: job.name, attempt: job.attempt + 1, maxAttempts: job.maxAttempts, backoffMs: job.backoffMs, token: job.token };
    let body = encodeEnvelope({ ...base, payload: job.payload });
    const stored = bodyBytes(body) > this.#o.maxMessageBytes;
    if (stored) body = encodeEnvelope({ ...base, stored: true });
    await this.#o.broker.prepare(job.name);
    await this.#o.broker.publish(job.name, body);
    return stored;
  }

  async #run(): Promise<void> {
    while (this.#running) {
      this.#wakeAt = Number.POSITIVE_INFINITY;
      let sleepMs = this.#o.pollIntervalMs;
      try {
        await this.promoteDue();
        const next = await this.#o.ledger.msUntilNextDue();
        if (next !== undefined) sleepMs = Math.min(sleepMs, next);
      } catch (error) {
        this.#o.logger.warn({ err: { message: (error as Error).message } }, 'promoting due jobs failed; will retry');
      }
      await this.#sleep(sleepMs);
    }
  }

  #sleep(ms: number): Promise<void> {
    if (!this.#running) return Promise.resolve();
    const until = Math.min(Date.now() + ms, this.#wakeAt);
    if (until <= Date.now()) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#sleeper = undefined;
        resolve();
      }, until - Date.now());
      this.#sleeper = { timer, resolve };
    });
  }

  #interrupt(): void {
    const sleeper = this.#sleeper;
    if (!sleeper) return;
    this.#sleeper = undefined;
    clearTimeout(sleeper.timer);
    sleeper.resolve();
  }
}
