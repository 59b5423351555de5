import { silentLogger, type Logger } from '../shared/logger.js';
import { SchedulerLease } from './scheduler-lease.js';
import type { MonitoringDeps } from './monitoring-deps.js';
import { restartStrandedRuns, startDueReEvals } from './start-re-eval-runs.js';
import { finishReEvalRuns } from './finish-re-eval-run.js';

/** The lease the re-eval scheduler's leader holds. */
export const RE_EVAL_SCHEDULER_LEASE = 're_eval_scheduler';

/** Options of {@link ReEvalScheduler}. */
export interface ReEvalSchedulerOptions {
  readonly deps: MonitoringDeps;
  /** Unique per process, e.g. `${hostname}:${pid}:${random}`. */
  readonly owner: string;
  /** Time between ticks (default 5 s). */
  readonly intervalMs?: number;
  /** Lease lifetime; must exceed the interval comfortably (default 3 × interval). */
  readonly leaseTtlMs?: number;
  readonly logger?: Logger;
}

/** What one tick did. */
export interface SchedulerTick {
  readonly leader: boolean;
  readonly started: number;
  readonly finished: number;
}

/**
 * The monitoring loop of the worker. Every worker runs one; only the holder of the
 * `re_eval_scheduler` lease works on a tick: it starts the eval runs of due re-evals, restarts
 * runs a crash stranded, and judges runs whose eval has finished (regressions, auto-rollback).
 * The others keep trying to take the lease, so a dead leader is replaced within its TTL.
 */
export class ReEvalScheduler {
  readonly #options: ReEvalSchedulerOptions;
  readonly #lease: SchedulerLease;
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;

  constructor(options: ReEvalSchedulerOptions) {
    this.#options = options;
    this.#logger = options.logger ?? options.deps.logger ?? silentLogger;
    const intervalMs = options.intervalMs ?? 5_000;
    this.#lease = new SchedulerLease({ db: options.deps.db, name: RE_EVAL_SCHEDULER_LEASE, owner: options.owner, ttlMs: options.leaseTtlMs ?? intervalMs * 3, clock: options.deps.clock });
  }

  /** One pass; safe to call directly (tests, a cron-driven deployment). */
  async tick(): Promise<SchedulerTick> {
    if (!(await this.#lease.acquire())) return { leader: false, started: 0, finished: 0 };
    const { deps } = this.#options;
    const now = deps.clock.now();
    const started = (await startDueReEvals(deps, now)) + (await restartStrandedRuns(deps, now));
    const finished = await finishReEvalRuns(deps);
    return { leader: true, started, finished };
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule(0);
  }

  /** Stops after the tick in progress and gives up the lease. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
    await this.#lease.release().catch((error: unknown) => this.#logger.warn({ err: { message: (error as Error).message } }, 're-eval scheduler lease release failed'));
  }

  #schedule(delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#running = this.tick()
        .then((t) => {
          if (t.started + t.finished > 0) this.#logger.info({ ...t }, 're-eval scheduler tick');
        })
        .catch((error: unknown) => this.#logger.error({ err: error }, 're-eval scheduler tick failed'))
        .finally(() => {
          this.#running = undefined;
          if (!this.#stopped) this.#schedule(this.#options.intervalMs ?? 5_000);
        });
    }, delayMs);
    this.#timer.unref?.();
  }
}
