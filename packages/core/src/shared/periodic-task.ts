import { silentLogger, type Logger } from './logger.js';
import { WakeableSleep } from './wakeable-sleep.js';

/**
 * Leader election for a periodic task run by several processes: only the holder runs a pass.
 * `SchedulerLease` (a lease row in the database) is the implementation FTM uses.
 */
export interface PeriodicTaskLease {
  /** Takes or renews the lease; true while this process holds it. */
  acquire(): Promise<boolean>;
  /** Gives the lease up, so another process takes over at once. */
  release(): Promise<void>;
}

/** Options of {@link PeriodicTask}. */
export interface PeriodicTaskOptions {
  /** Names the task in its logs (`${name} failed`). */
  readonly name: string;
  /** Pause between the end of a pass and the start of the next. */
  readonly intervalMs: number;
  /**
   * One pass. It may return the pause before the next pass instead of `intervalMs`
   * (0: at once, e.g. while a full batch came out).
   */
  readonly run: () => Promise<number | void>;
  /** Pause before the first pass (default `intervalMs`; 0 runs one at start). */
  readonly firstRunAfterMs?: number;
  /** Spreads every pause uniformly over ±`jitter` of its length (0..1, default 0), so processes do not tick in step. */
  readonly jitter?: number;
  /** When set, a pass runs only while the lease is held; stop() releases it. */
  readonly lease?: PeriodicTaskLease;
  readonly logger?: Logger;
  /**
   * Handles a failed pass (`failures`: consecutive failed passes, from 1); may return the pause
   * before the next pass. Default: a warning `${name} failed` with the error's message, then
   * `intervalMs`. The loop always goes on.
   */
  readonly onError?: (error: unknown, failures: number) => number | void;
}

/**
 * The one shape of periodic background work in FTM: runs a pass every `intervalMs` (measured from
 * the end of the previous pass, so passes never overlap), optionally only on the holder of a lease,
 * with jitter, `wake()` to run the next pass at once, and `stop()` that waits for the pass in
 * progress and releases the lease. A failed pass is logged and the loop goes on. The timers do not
 * keep the process alive.
 */
export class PeriodicTask {
  readonly #options: PeriodicTaskOptions;
  readonly #logger: Logger;
  readonly #sleep = new WakeableSleep({ unref: true });
  #loop: Promise<void> | undefined;
  #running = false;
  #failures = 0;

  constructor(options: PeriodicTaskOptions) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Starts the loop (no-op while it runs). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#sleep.clear();
    this.#loop = this.#run();
  }

  /** Runs the next pass now instead of after its pause (right after a pass in progress, if any). */
  wake(): void {
    this.#sleep.wake();
  }

  /** Finishes the pass in progress, stops, and releases the lease (also after passes run elsewhere, e.g. by hand). */
  async stop(): Promise<void> {
    this.#running = false;
    this.#sleep.wake();
    await this.#loop;
    this.#loop = undefined;
    await this.#options.lease?.release().catch((error: unknown) => this.#logger.warn({ err: { message: (error as Error).message } }, `${this.#options.name} lease release failed`));
  }

  async #run(): Promise<void> {
    let pause = this.#options.firstRunAfterMs ?? this.#options.intervalMs;
    while (this.#running) {
      if (pause > 0) await this.#sleep.sleep(this.#jittered(pause));
      if (!this.#running) break;
      this.#sleep.clear();
      pause = await this.#pass();
    }
  }

  /** One pass; never throws. Returns the pause before the next. */
  async #pass(): Promise<number> {
    const { intervalMs, lease, run, onError } = this.#options;
    try {
      if (lease && !(await lease.acquire())) return intervalMs;
      const next = await run();
      this.#failures = 0;
      return typeof next === 'number' ? next : intervalMs;
    } catch (error) {
      this.#failures += 1;
      if (!onError) {
        this.#logger.warn({ err: { message: (error as Error).message } }, `${this.#options.name} failed`);
        return intervalMs;
      }
      try {
        const next = onError(error, this.#failures);
        return typeof next === 'number' ? next : intervalMs;
      } catch {
        return intervalMs;
      }
    }
  }

  #jittered(ms: number): number {
    const jitter = Math.min(1, Math.max(0, this.#options.jitter ?? 0));
    return jitter === 0 ? ms : Math.round(ms * (1 - jitter + Math.random() * 2 * jitter));
  }
}
