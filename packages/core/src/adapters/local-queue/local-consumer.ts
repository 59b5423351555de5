import PQueue from 'p-queue';
import { FtmError, UnrecoverableError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { WakeableSleep } from '../../shared/wakeable-sleep.js';
import { queueRetryDelayMs, type JobHandler, type QueueJob } from '../../ports/queue.js';
import type { JobLease, JobQueueStore, JobRow } from './job-queue-store.js';
import type { WakeUpSource } from './pg-listen-wake-ups.js';

/** The signal reason when a job's lease passed to another worker while it was running. */
export class LeaseLostError extends FtmError {
  override readonly name = 'LeaseLostError';
}

/** The signal reason when stop() gave up waiting for a job. */
export class ShutdownAbortError extends FtmError {
  override readonly name = 'ShutdownAbortError';
}

/** Everything a consumer needs, resolved by LocalQueue.consume(). */
export interface LocalConsumerOptions {
  readonly store: JobQueueStore;
  readonly handlers: Readonly<Record<string, JobHandler>>;
  readonly workerId: string;
  readonly concurrency: number;
  readonly visibilityTimeoutMs: number;
  readonly pollIntervalMs: number;
  readonly retentionMs: number;
  readonly pruneIntervalMs: number;
  readonly wakeUps?: WakeUpSource;
  readonly logger: Logger;
}

interface InFlight {
  readonly lease: JobLease;
  readonly controller: AbortController;
}

const MAX_ERROR_LENGTH = 2_000;

/** Error text kept on the job row: the message only, bounded (never a stack with local paths). */
function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
}

/**
 * The consuming side of the local queue: a claim loop (poll + wake-ups), p-queue for the
 * concurrency bound, lease heartbeats while handlers run, and the retry/dead-letter decision.
 */
export class LocalConsumer {
  readonly #o: LocalConsumerOptions;
  readonly #pool: PQueue;
  readonly #inFlight = new Map<string, InFlight>();
  #stopping = false;
  #loop: Promise<void> | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #heartbeatBusy = false;
  readonly #sleep = new WakeableSleep();
  #unsubscribe: (() => Promise<void>) | undefined;
  #lastPrune = 0;

  constructor(options: LocalConsumerOptions) {
    this.#o = options;
    this.#pool = new PQueue({ concurrency: options.concurrency });
  }

  start(): void {
    const names = new Set(Object.keys(this.#o.handlers));
    this.#o.wakeUps
      ?.subscribe((name) => {
        if (name === '*' || names.has(name)) this.#wake();
      })
      .then((unsubscribe) => {
        if (this.#stopping) void unsubscribe();
        else this.#unsubscribe = unsubscribe;
      })
      .catch((error: unknown) => this.#o.logger.warn({ err: { message: describeError(error) } }, 'wake-ups unavailable'));
    const beat = Math.max(20, Math.floor(this.#o.visibilityTimeoutMs / 3));
    this.#heartbeat = setInterval(() => void this.#extendLeases(), beat);
    this.#loop = this.#run([...names]);
  }

  /** Stops claiming, waits for in-flight jobs, and aborts the ones still running after `drainTimeoutMs`. */
  async stop(drainTimeoutMs: number): Promise<void> {
    this.#stopping = true;
    this.#wake();
    await this.#loop;
    if (!(await this.#idleWithin(drainTimeoutMs))) {
      for (const { controller } of this.#inFlight.values()) {
        controller.abort(new ShutdownAbortError('the worker stopped before the job finished'));
      }
      // A handler that ignores its signal is left behind; its lease expires and the job runs again.
      await this.#idleWithin(Math.min(drainTimeoutMs, 5_000));
    }
    clearInterval(this.#heartbeat);
    await this.#unsubscribe?.();
  }

  async #idleWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    try {
      return await Promise.race([this.#pool.onIdle().then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async #run(names: readonly string[]): Promise<void> {
    while (!this.#stopping) {
      this.#sleep.clear();
      const free = this.#o.concurrency - this.#inFlight.size;
      let claimed = 0;
      if (free > 0) {
        try {
          const rows = await this.#o.store.claim(names, free, this.#o.workerId, this.#o.visibilityTimeoutMs);
          claimed = rows.length;
          for (const row of rows) this.#dispatch(row);
        } catch (error) {
          this.#o.logger.warn({ err: { message: describeError(error) } }, 'claiming jobs failed; will retry');
        }
      }
      await this.#pruneNow();
      if (claimed > 0 && claimed === free) continue;
      await this.#sleep.sleep(this.#o.pollIntervalMs);
    }
  }

  #dispatch(row: JobRow): void {
    const lease: JobLease = { id: row.id, attempt: row.attempt, workerId: this.#o.workerId };
    const controller = new AbortController();
    this.#inFlight.set(row.id, { lease, controller });
    void this.#pool
      .add(() => this.#execute(row, lease, controller.signal))
      .finally(() => {
        if (this.#inFlight.get(row.id)?.controller === controller) this.#inFlight.delete(row.id);
        this.#wake();
      });
  }

  async #execute(row: JobRow, lease: JobLease, signal: AbortSignal): Promise<void> {
    const log = this.#o.logger.child({ jobId: row.id, jobName: row.name, attempt: row.attempt });
    try {
      if (row.attempt > row.max_attempts) {
        // Only a job whose workers kept dying gets here: stop handing it out.
        await this.#o.store.deadLetter(lease, 'the job was lost by its worker on its last attempt');
        log.warn({}, 'job dead-lettered after its worker vanished on the last attempt');
        return;
      }
      const handler = this.#o.handlers[row.name];
      if (!handler) throw new UnrecoverableError(`no handler for job ${row.name}`);
      const job: QueueJob = {
        id: row.id,
        name: row.name,
        payload: row.payload,
        attempt: row.attempt,
        maxAttempts: row.max_attempts,
      };
      await handler(job, signal);
      if (!(await this.#o.store.complete(lease))) log.warn({}, 'job finished after its lease was lost; it may run again');
    } catch (error) {
      await this.#recordFailure(row, lease, error, log).catch((e: unknown) =>
        // The lease runs out and the job is claimed again: nothing is lost.
        log.error({ err: { message: describeError(e) } }, 'could not record a job failure'),
      );
    }
  }

  async #recordFailure(row: JobRow, lease: JobLease, error: unknown, log: Logger): Promise<void> {
    const message = describeError(error);
    if (error instanceof UnrecoverableError || row.attempt >= row.max_attempts) {
      await this.#o.store.deadLetter(lease, message);
      log.warn({ err: { message } }, 'job dead-lettered');
      return;
    }
    const retryInMs = queueRetryDelayMs(row.backoff_ms, row.attempt);
    await this.#o.store.retry(lease, message, retryInMs);
    log.info({ err: { message }, retryInMs }, 'job failed; retrying');
  }

  async #extendLeases(): Promise<void> {
    if (this.#heartbeatBusy || this.#inFlight.size === 0) return;
    this.#heartbeatBusy = true;
    try {
      const snapshot = [...this.#inFlight.values()];
      const held = await this.#o.store.extendLeases(
        snapshot.map((f) => f.lease.id),
        this.#o.workerId,
        this.#o.visibilityTimeoutMs,
      );
      for (const f of snapshot) {
        if (!held.has(f.lease.id) && this.#inFlight.get(f.lease.id) === f) {
          f.controller.abort(new LeaseLostError('the job lease expired and the job was handed to another worker'));
        }
      }
    } catch (error) {
      this.#o.logger.warn({ err: { message: describeError(error) } }, 'extending job leases failed');
    } finally {
      this.#heartbeatBusy = false;
    }
  }

  async #pruneNow(): Promise<void> {
    const now = Date.now();
    if (now - this.#lastPrune < this.#o.pruneIntervalMs) return;
    this.#lastPrune = now;
    try {
      await this.#o.store.prune(this.#o.retentionMs);
    } catch (error) {
      this.#o.logger.warn({ err: { message: describeError(error) } }, 'pruning finished jobs failed');
    }
  }

  #wake(): void {
    this.#sleep.wake();
  }
}
