import type { FtmDatabase } from '../../db/open-database.js';
import { DependencyUnavailableError, FtmError } from '../../shared/errors.js';
import { uuidv7 } from '../../shared/ids.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import type { ConsumeOptions, DeadLetter, EnqueueOptions, JobHandler, JobNameDepth, Queue, QueueDepth } from '../../ports/queue.js';
import { resolveEnqueueOptions } from './enqueue-options.js';
import { JobQueueStore } from './job-queue-store.js';
import { LocalConsumer } from './local-consumer.js';
import type { WakeUpSource } from './pg-listen-wake-ups.js';

/** Tuning of the local queue; every field has a default. */
export interface LocalQueueOptions {
  /** How often an idle consumer looks for due jobs (retries, delayed jobs, expired leases). */
  readonly pollIntervalMs?: number;
  /** Wakes consumers as soon as a job is enqueued (PostgreSQL LISTEN/NOTIFY); polling otherwise. */
  readonly wakeUps?: WakeUpSource;
  readonly defaultMaxAttempts?: number;
  readonly defaultBackoffMs?: number;
  /** How long succeeded jobs are kept (their ids still dedupe nothing; they are history). */
  readonly retentionMs?: number;
  readonly pruneIntervalMs?: number;
  /** Identifies this process's claims; unique per instance by default. */
  readonly workerId?: string;
  readonly logger?: Logger;
}

/** The defaults of the local queue, its consumer and stop(). */
export const LOCAL_QUEUE_DEFAULTS = {
  pollIntervalMs: 1_000,
  defaultMaxAttempts: 5,
  defaultBackoffMs: 1_000,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  pruneIntervalMs: 60_000,
  concurrency: 5,
  visibilityTimeoutMs: 30_000,
  drainTimeoutMs: 30_000,
} as const;

/**
 * The Queue port on the `job_queue` table of an FtmDatabase (PostgreSQL or PGlite). Claims use
 * FOR UPDATE SKIP LOCKED; a lease (visibility timeout) kept alive by heartbeats means a worker
 * that dies loses nothing: its jobs are claimed again once their lease passes.
 * The queue does not own the database: close() leaves it open.
 */
export class LocalQueue implements Queue {
  readonly #store: JobQueueStore;
  readonly #database: FtmDatabase;
  readonly #options: LocalQueueOptions;
  readonly #logger: Logger;
  #consumer: LocalConsumer | undefined;

  constructor(database: FtmDatabase, options: LocalQueueOptions = {}) {
    this.#database = database;
    this.#store = new JobQueueStore(database.db);
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
  }

  async enqueue(name: string, payload: unknown, options: EnqueueOptions = {}): Promise<string> {
    const resolved = resolveEnqueueOptions(name, options, {
      maxAttempts: this.#options.defaultMaxAttempts ?? LOCAL_QUEUE_DEFAULTS.defaultMaxAttempts,
      backoffMs: this.#options.defaultBackoffMs ?? LOCAL_QUEUE_DEFAULTS.defaultBackoffMs,
    });
    const id = resolved.jobId ?? uuidv7();
    await this.#store.insert({ id, name, payload, ...resolved });
    if (resolved.delayMs === 0) await this.#announce(name);
    return id;
  }

  consume(handlers: Readonly<Record<string, JobHandler>>, options: ConsumeOptions = {}): void {
    if (this.#consumer) throw new FtmError('this queue is already consuming; stop() it first');
    const concurrency = options.concurrency ?? LOCAL_QUEUE_DEFAULTS.concurrency;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new FtmError('concurrency must be a positive integer');
    this.#consumer = new LocalConsumer({
      store: this.#store,
      handlers,
      workerId: this.#options.workerId ?? `local-${uuidv7()}`,
      concurrency,
      visibilityTimeoutMs: options.visibilityTimeoutMs ?? LOCAL_QUEUE_DEFAULTS.visibilityTimeoutMs,
      pollIntervalMs: this.#options.pollIntervalMs ?? LOCAL_QUEUE_DEFAULTS.pollIntervalMs,
      retentionMs: this.#options.retentionMs ?? LOCAL_QUEUE_DEFAULTS.retentionMs,
      pruneIntervalMs: this.#options.pruneIntervalMs ?? LOCAL_QUEUE_DEFAULTS.pruneIntervalMs,
      logger: this.#logger,
      ...(this.#options.wakeUps ? { wakeUps: this.#options.wakeUps } : {}),
    });
    this.#consumer.start();
  }

  async stop(drainTimeoutMs: number = LOCAL_QUEUE_DEFAULTS.drainTimeoutMs): Promise<void> {
    const consumer = this.#consumer;
    if (!consumer) return;
    await consumer.stop(drainTimeoutMs);
    this.#consumer = undefined;
  }

  depth(): Promise<QueueDepth> {
    return this.#store.depth();
  }

  depthByName(): Promise<readonly JobNameDepth[]> {
    return this.#store.depthByName();
  }

  listDeadLetters(options: { since?: Date; limit?: number } = {}): Promise<readonly DeadLetter[]> {
    return this.#store.listDeadLetters(options.since, Math.min(Math.max(options.limit ?? 100, 1), 1_000));
  }

  async replayDeadLetters(options: { since?: Date; ids?: readonly string[] }): Promise<number> {
    const names = await this.#store.replayDeadLetters(options.since, options.ids);
    if (names.length > 0) await this.#announce('*');
    return names.length;
  }

  async check(): Promise<void> {
    try {
      await this.#store.check();
    } catch (error) {
      throw new DependencyUnavailableError('queue', 'the job queue table cannot be read', { cause: error });
    }
  }

  async close(): Promise<void> {
    await this.stop();
  }

  /** NOTIFY is only worth a round trip where something can LISTEN: PostgreSQL, not in-process PGlite. */
  async #announce(name: string): Promise<void> {
    if (this.#database.dialect !== 'postgres') return;
    await this.#store.notify(name).catch((error: unknown) => this.#logger.debug({ err: { message: (error as Error).message } }, 'job queue NOTIFY failed; consumers will poll'));
  }
}
