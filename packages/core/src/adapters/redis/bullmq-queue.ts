import type { Job, Queue as BullQueue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { lazyRequire } from '../../shared/lazy-require.js';
import { DependencyUnavailableError, FtmError, UnrecoverableError } from '../../shared/errors.js';
import { uuidv7 } from '../../shared/ids.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import type { ConsumeOptions, DeadLetter, EnqueueOptions, JobHandler, JobNameDepth, Queue, QueueDepth } from '../../ports/queue.js';
import { resolveEnqueueOptions } from '../local-queue/enqueue-options.js';
import { bullMqDepthByName } from './bullmq-depth-by-name.js';

/** Connection and policy of the BullMQ adapter. */
export interface BullMqQueueOptions {
  /** `redis://…` URL; the adapter opens (and closes) its own connections. */
  readonly url: string;
  /** The BullMQ queue that holds every FTM job. */
  readonly queueName?: string;
  /** Redis key prefix; tests give each suite its own. */
  readonly prefix?: string;
  readonly defaultMaxAttempts?: number;
  readonly defaultBackoffMs?: number;
  /** How long dead letters are kept. */
  readonly deadLetterRetentionMs?: number;
  /** How many times a job may lose its worker before it fails for good. */
  readonly maxStalledCount?: number;
  /** How long a job no handler in this process knows waits before another worker may take it. */
  readonly unknownJobDelayMs?: number;
  readonly logger?: Logger;
}

const DEFAULTS = {
  queueName: 'ftm',
  prefix: 'ftm',
  defaultMaxAttempts: 5,
  defaultBackoffMs: 1_000,
  deadLetterRetentionMs: 30 * 24 * 60 * 60 * 1000,
  maxStalledCount: 3,
  unknownJobDelayMs: 5_000,
  concurrency: 5,
  visibilityTimeoutMs: 30_000,
  drainTimeoutMs: 30_000,
} as const;

const bullmq = lazyRequire<typeof import('bullmq')>('bullmq');
const ioredis = lazyRequire<typeof import('ioredis')>('ioredis');

/** Half of each exponential delay is random (BullMQ's jitter is the random fraction). */
const BACKOFF_JITTER = 0.5;
/** Dead letters are listed by scanning BullMQ's failed set newest first, this many at a time. */
const SCAN_PAGE = 200;

/**
 * The Queue port on Redis through BullMQ: one BullMQ queue for all FTM jobs, attempts with jittered
 * exponential backoff, job ids for dedupe, BullMQ's lock + stalled-job check as the visibility
 * timeout, and the failed set (after the last attempt) as the dead letters.
 */
export class BullMqQueue implements Queue {
  readonly #options: BullMqQueueOptions;
  readonly #logger: Logger;
  readonly #producer: Redis;
  readonly #queue: BullQueue;
  #worker: Worker | undefined;
  #workerConnection: Redis | undefined;

  constructor(options: BullMqQueueOptions) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    // Enqueues come from request handlers: fail after a bounded number of reconnect attempts.
    this.#producer = new (ioredis().Redis)(options.url, { maxRetriesPerRequest: 2, connectTimeout: 5_000, lazyConnect: true });
    this.#producer.on('error', (error) => this.#logger.warn({ err: { message: error.message } }, 'redis (queue producer) error'));
    this.#queue = new (bullmq().Queue)(options.queueName ?? DEFAULTS.queueName, {
      connection: this.#producer,
      prefix: options.prefix ?? DEFAULTS.prefix,
    });
    this.#queue.on('error', (error) => this.#logger.warn({ err: { message: error.message } }, 'bullmq queue error'));
  }

  async enqueue(name: string, payload: unknown, options: EnqueueOptions = {}): Promise<string> {
    const resolved = resolveEnqueueOptions(name, options, {
      maxAttempts: this.#options.defaultMaxAttempts ?? DEFAULTS.defaultMaxAttempts,
      backoffMs: this.#options.defaultBackoffMs ?? DEFAULTS.defaultBackoffMs,
    });
    const jobId = resolved.jobId ?? uuidv7();
    await this.#queue.add(name, payload ?? null, {
      jobId,
      delay: resolved.delayMs,
      attempts: resolved.maxAttempts,
      backoff: { type: 'exponential', delay: resolved.backoffMs, jitter: BACKOFF_JITTER },
      // Succeeded jobs are removed so their id can be enqueued again, as on the local queue.
      removeOnComplete: true,
      removeOnFail: { age: Math.ceil((this.#options.deadLetterRetentionMs ?? DEFAULTS.deadLetterRetentionMs) / 1000) },
    });
    return jobId;
  }

  consume(handlers: Readonly<Record<string, JobHandler>>, options: ConsumeOptions = {}): void {
    if (this.#worker) throw new FtmError('this queue is already consuming; stop() it first');
    const visibilityTimeoutMs = options.visibilityTimeoutMs ?? DEFAULTS.visibilityTimeoutMs;
    const connection = new (ioredis().Redis)(this.#options.url, { maxRetriesPerRequest: null, connectTimeout: 5_000 });
    connection.on('error', (error) => this.#logger.warn({ err: { message: error.message } }, 'redis (queue worker) error'));
    this.#workerConnection = connection;
    const unknownJobDelayMs = this.#options.unknownJobDelayMs ?? DEFAULTS.unknownJobDelayMs;
    const processor = async (job: Job, token: string | undefined, signal: AbortSignal | undefined): Promise<void> => {
      const handler = handlers[job.name];
      if (!handler) {
        // Another process may consume this name: hand the job back without spending an attempt.
        await job.moveToDelayed(Date.now() + unknownJobDelayMs, token);
        throw new (bullmq().DelayedError)();
      }
      try {
        await handler(
          {
            id: job.id ?? '',
            name: job.name,
            payload: job.data,
            attempt: Math.max(1, job.attemptsStarted),
            maxAttempts: job.opts.attempts ?? 1,
          },
          signal ?? new AbortController().signal,
        );
      } catch (error) {
        if (error instanceof UnrecoverableError) throw new (bullmq().UnrecoverableError)(`${error.name}: ${error.message}`);
        throw error;
      }
    };
    this.#worker = new (bullmq().Worker)(this.#queue.name, processor, {
      connection,
      prefix: this.#options.prefix ?? DEFAULTS.prefix,
      concurrency: options.concurrency ?? DEFAULTS.concurrency,
      lockDuration: visibilityTimeoutMs,
      stalledInterval: Math.max(100, Math.floor(visibilityTimeoutMs / 2)),
      maxStalledCount: this.#options.maxStalledCount ?? DEFAULTS.maxStalledCount,
    });
    this.#worker.on('error', (error) => this.#logger.warn({ err: { message: error.message } }, 'bullmq worker error'));
    this.#worker.on('failed', (job, error) => {
      if (job) this.#logger.info({ jobId: job.id, jobName: job.name, err: { message: error.message } }, 'job failed');
    });
  }

  async stop(drainTimeoutMs: number = DEFAULTS.drainTimeoutMs): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    const closing = worker.close();
    if (!(await settlesWithin(closing, drainTimeoutMs))) {
      worker.cancelAllJobs('the worker stopped before the job finished');
      // A handler that ignores its signal is left behind; its lock expires and the job runs again.
      if (!(await settlesWithin(closing, Math.min(drainTimeoutMs, 5_000)))) await worker.close(true);
    }
    await this.#workerConnection?.quit().catch(() => {});
    this.#worker = undefined;
    this.#workerConnection = undefined;
  }

  async depth(): Promise<QueueDepth> {
    const c = await this.#queue.getJobCounts('wait', 'prioritized', 'active', 'delayed', 'failed');
    return {
      waiting: (c.wait ?? 0) + (c.prioritized ?? 0),
      active: c.active ?? 0,
      delayed: c.delayed ?? 0,
      deadLetter: c.failed ?? 0,
    };
  }

  depthByName(): Promise<readonly JobNameDepth[]> {
    const key = (type: string): string => this.#queue.toKey(type);
    return bullMqDepthByName(this.#producer, {
      wait: key('wait'),
      prioritized: key('prioritized'),
      active: key('active'),
      delayed: key('delayed'),
      failed: key('failed'),
      jobKeyPrefix: key(''),
    });
  }

  async listDeadLetters(options: { since?: Date; limit?: number } = {}): Promise<readonly DeadLetter[]> {
    const limit = Math.min(Math.max(options.limit ?? 100, 1), 1_000);
    const jobs = await this.#failedSince(options.since);
    return jobs.slice(0, limit).map((job) => ({
      id: job.id ?? '',
      name: job.name,
      payload: job.data,
      attempts: job.attemptsStarted,
      lastError: job.failedReason ?? null,
      failedAt: new Date(job.finishedOn ?? 0),
    }));
  }

  async replayDeadLetters(options: { since?: Date; ids?: readonly string[] }): Promise<number> {
    let jobs: Job[];
    if (options.ids) {
      const found = await Promise.all(options.ids.map((id) => this.#queue.getJob(id)));
      const since = options.since?.getTime() ?? 0;
      jobs = [];
      for (const job of found) {
        if (job && (job.finishedOn ?? 0) >= since && (await job.isFailed())) jobs.push(job);
      }
    } else {
      jobs = await this.#failedSince(options.since);
    }
    let replayed = 0;
    for (const job of jobs) {
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      replayed += 1;
    }
    return replayed;
  }

  async check(): Promise<void> {
    try {
      await this.#producer.ping();
    } catch (error) {
      throw new DependencyUnavailableError('queue', 'redis does not answer', { cause: error });
    }
  }

  async close(): Promise<void> {
    await this.stop();
    await this.#queue.close();
    await this.#producer.quit().catch(() => {});
  }

  /** Test and tooling hook: deletes every key of this queue (its prefix and name) from Redis. */
  async obliterate(): Promise<void> {
    await this.#queue.obliterate({ force: true });
  }

  /** Failed jobs finished at or after `since`, oldest first. */
  async #failedSince(since: Date | undefined): Promise<Job[]> {
    const from = since?.getTime() ?? 0;
    const out: Job[] = [];
    for (let start = 0; ; start += SCAN_PAGE) {
      const page = await this.#queue.getJobs(['failed'], start, start + SCAN_PAGE - 1, false);
      for (const job of page) if ((job.finishedOn ?? 0) >= from) out.push(job);
      const oldest = page.at(-1);
      if (page.length < SCAN_PAGE || !oldest || (oldest.finishedOn ?? 0) < from) break;
    }
    return out.reverse();
  }
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
