import type { FtmDatabase } from '../../db/open-database.js';
import { DependencyUnavailableError, FtmError } from '../../shared/errors.js';
import { uuidv7 } from '../../shared/ids.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import type { ConsumeOptions, DeadLetter, EnqueueOptions, JobHandler, JobNameDepth, Queue, QueueDepth } from '../../ports/queue.js';
import { resolveEnqueueOptions } from '../local-queue/enqueue-options.js';
import { BrokerConsumer } from './broker-consumer.js';
import { ConsumerSnapshots } from './consumer-snapshots.js';
import { bodyBytes, encodeEnvelope } from './job-envelope.js';
import { JobLedger } from './job-ledger.js';
import { LedgerPromoter } from './ledger-promoter.js';
import type { MessageBroker } from './message-broker.js';

/** Policy and tuning of a broker-backed queue; every field has a default. */
export interface BrokerQueueOptions {
  /** Names the ledger rows (and, in the brokers, the queues) of this queue. */
  readonly name: string;
  /** Job names depth() always reports, besides the ones this instance used and the ledger holds. */
  readonly jobNames?: readonly string[];
  /** A payload whose message would be larger is kept in the ledger and the message points to it. */
  readonly maxMessageBytes?: number;
  readonly defaultMaxAttempts?: number;
  readonly defaultBackoffMs?: number;
  /** How often a consumer looks for due delayed jobs and retries scheduled by other processes. */
  readonly pollIntervalMs?: number;
  /** How long an immediate job's ledger row waits for its publish before a promoter publishes it. */
  readonly publishGraceMs?: number;
  readonly logger?: Logger;
}

/** The defaults of BrokerQueue and its consumer. */
export const BROKER_QUEUE_DEFAULTS = {
  maxMessageBytes: 256 * 1024,
  defaultMaxAttempts: 5,
  defaultBackoffMs: 1_000,
  pollIntervalMs: 1_000,
  publishGraceMs: 30_000,
  concurrency: 5,
  visibilityTimeoutMs: 30_000,
  drainTimeoutMs: 30_000,
} as const;

/**
 * The Queue port on a message broker (RabbitMQ or SQS) plus a ledger table in the FTM database.
 * The broker carries the messages of jobs that are due, one broker queue per job name; the
 * ledger holds what a broker does not do the same way everywhere: job-id dedupe, delayed jobs
 * and retries until they are due (no broker delay limits), payloads too large for a message,
 * and dead letters (listable and replayable by time or id). A job without a job id, delay or
 * large payload touches only the broker. The queue does not own the database.
 */
export class BrokerQueue implements Queue {
  readonly #broker: MessageBroker;
  readonly #ledger: JobLedger;
  readonly #options: BrokerQueueOptions;
  readonly #logger: Logger;
  readonly #promoter: LedgerPromoter;
  readonly #snapshots: ConsumerSnapshots | undefined;
  readonly #names: Set<string>;
  #consumer: BrokerConsumer | undefined;

  constructor(broker: MessageBroker, database: FtmDatabase, options: BrokerQueueOptions) {
    this.#broker = broker;
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    this.#ledger = new JobLedger(database.db, options.name);
    this.#names = new Set(options.jobNames ?? []);
    this.#promoter = new LedgerPromoter({
      db: database.db,
      ledger: this.#ledger,
      broker,
      maxMessageBytes: this.#maxMessageBytes,
      pollIntervalMs: options.pollIntervalMs ?? BROKER_QUEUE_DEFAULTS.pollIntervalMs,
      logger: this.#logger,
    });
    this.#snapshots = broker.countsInFlight ? undefined : new ConsumerSnapshots(database.db, options.name, `consumer-${uuidv7()}`, this.#logger);
  }

  get #maxMessageBytes(): number {
    return this.#options.maxMessageBytes ?? BROKER_QUEUE_DEFAULTS.maxMessageBytes;
  }

  async enqueue(name: string, payload: unknown, options: EnqueueOptions = {}): Promise<string> {
    const resolved = resolveEnqueueOptions(name, options, {
      maxAttempts: this.#options.defaultMaxAttempts ?? BROKER_QUEUE_DEFAULTS.defaultMaxAttempts,
      backoffMs: this.#options.defaultBackoffMs ?? BROKER_QUEUE_DEFAULTS.defaultBackoffMs,
    });
    this.#names.add(name);
    const id = resolved.jobId ?? uuidv7();
    const base = { v: 1 as const, id, name, attempt: 1, maxAttempts: resolved.maxAttempts, backoffMs: resolved.backoffMs };
    const body = encodeEnvelope({ ...base, payload });
    const fits = bodyBytes(body) <= this.#maxMessageBytes;
    if (resolved.jobId === undefined && resolved.delayMs === 0 && fits) {
      await this.#publish(name, body);
      return id;
    }
    const token = uuidv7();
    const job = { id, name, token, payload, attempt: 0, maxAttempts: resolved.maxAttempts, backoffMs: resolved.backoffMs };
    const delayed = resolved.delayMs > 0;
    const runInMs = delayed ? resolved.delayMs : (this.#options.publishGraceMs ?? BROKER_QUEUE_DEFAULTS.publishGraceMs);
    if (!(await this.#ledger.insert(job, runInMs))) return id;
    if (delayed) {
      this.#promoter.wake(runInMs);
      return id;
    }
    try {
      await this.#publish(name, fits ? encodeEnvelope({ ...base, token, payload }) : encodeEnvelope({ ...base, token, stored: true }));
    } catch (error) {
      await this.#ledger.remove(id, token).catch(() => {});
      throw error;
    }
    await this.#ledger.markQueued(id, token, !fits);
    return id;
  }

  consume(handlers: Readonly<Record<string, JobHandler>>, options: ConsumeOptions = {}): void {
    if (this.#consumer) throw new FtmError('this queue is already consuming; stop() it first');
    const concurrency = options.concurrency ?? BROKER_QUEUE_DEFAULTS.concurrency;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new FtmError('concurrency must be a positive integer');
    for (const name of Object.keys(handlers)) this.#names.add(name);
    const consumer = new BrokerConsumer({
      broker: this.#broker,
      ledger: this.#ledger,
      handlers,
      concurrency,
      visibilityTimeoutMs: options.visibilityTimeoutMs ?? BROKER_QUEUE_DEFAULTS.visibilityTimeoutMs,
      onRetryScheduled: (inMs) => this.#promoter.wake(inMs),
      onHeldChanged: () => this.#snapshots?.changed(),
      logger: this.#logger,
    });
    this.#consumer = consumer;
    this.#snapshots?.start(() => consumer.heldByName());
    this.#promoter.start();
    // consume() is synchronous in the port: a broker that is down is retried by the broker adapter.
    void consumer.start().catch((error: unknown) => this.#logger.error({ err: { message: (error as Error).message } }, `could not subscribe to ${this.#broker.kind}`));
  }

  async stop(drainTimeoutMs: number = BROKER_QUEUE_DEFAULTS.drainTimeoutMs): Promise<void> {
    const consumer = this.#consumer;
    if (!consumer) return;
    await consumer.stop(drainTimeoutMs);
    await this.#promoter.stop();
    await this.#snapshots?.stop();
    this.#consumer = undefined;
  }

  async depth(): Promise<QueueDepth> {
    const total = { waiting: 0, active: 0, delayed: 0, deadLetter: 0 };
    for (const d of await this.depthByName()) {
      total.waiting += d.waiting;
      total.active += d.active;
      total.delayed += d.delayed;
      total.deadLetter += d.deadLetter;
    }
    return total;
  }

  async depthByName(): Promise<readonly JobNameDepth[]> {
    const [ledger, othersHeld] = await Promise.all([this.#ledger.countsByName(), this.#snapshots?.othersHeld() ?? new Map<string, number>()]);
    const ownHeld = this.#consumer?.heldByName() ?? new Map<string, number>();
    const ownSettling = this.#consumer?.settlingByName() ?? new Map<string, number>();
    const names = new Set([...this.#names, ...ledger.map((l) => l.name), ...othersHeld.keys()]);
    const broker = await this.#broker.counts([...names]);
    const byLedger = new Map(ledger.map((l) => [l.name, l]));
    const depths: JobNameDepth[] = [];
    for (const name of [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      const b = broker.get(name);
      const l = byLedger.get(name);
      // A delivery whose outcome is recorded but not yet acked is still in flight on the broker.
      const active = this.#broker.countsInFlight ? Math.max(0, (b?.inFlight ?? 0) - (ownSettling.get(name) ?? 0)) : (ownHeld.get(name) ?? 0) + (othersHeld.get(name) ?? 0);
      const depth = {
        name,
        waiting: (b?.ready ?? 0) + (l?.due ?? 0),
        active,
        delayed: (b?.delayed ?? 0) + (l?.future ?? 0),
        deadLetter: l?.deadLetter ?? 0,
      };
      if (depth.waiting + depth.active + depth.delayed + depth.deadLetter > 0) depths.push(depth);
    }
    return depths;
  }

  listDeadLetters(options: { since?: Date; limit?: number } = {}): Promise<readonly DeadLetter[]> {
    return this.#ledger.listDeadLetters(options.since, Math.min(Math.max(options.limit ?? 100, 1), 1_000));
  }

  /** Replayed dead letters are published at once (also from a process that does not consume). */
  async replayDeadLetters(options: { since?: Date; ids?: readonly string[] }): Promise<number> {
    const replayed = await this.#ledger.replay(options.since, options.ids);
    if (replayed > 0) await this.#promoter.promoteDue();
    return replayed;
  }

  async check(): Promise<void> {
    try {
      await this.#ledger.check();
    } catch (error) {
      throw new DependencyUnavailableError('queue', 'the queue ledger table cannot be read', { cause: error });
    }
    try {
      await this.#broker.check();
    } catch (error) {
      throw new DependencyUnavailableError('queue', `${this.#broker.kind} does not answer`, { cause: error });
    }
  }

  /** Stops consuming and closes the broker connections; the database stays open. */
  async close(): Promise<void> {
    await this.stop();
    await this.#broker.close();
  }

  /** Test and tooling hook: deletes this queue's ledger rows and the broker queues of its job names. */
  async obliterate(): Promise<void> {
    const names = new Set([...this.#names, ...(await this.#ledger.names())]);
    await this.#broker.deleteQueues([...names]);
    await this.#ledger.deleteAll();
  }

  async #publish(name: string, body: string): Promise<void> {
    try {
      await this.#broker.prepare(name);
      await this.#broker.publish(name, body);
    } catch (error) {
      if (error instanceof FtmError) throw error;
      throw new DependencyUnavailableError('queue', `${this.#broker.kind} did not take the job`, { cause: error });
    }
  }
}
