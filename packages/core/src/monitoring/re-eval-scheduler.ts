import { silentLogger, type Logger } from '../shared/logger.js';
import { PeriodicTask } from '../shared/periodic-task.js';
import { SchedulerLease } from './scheduler-lease.js';
import type { MonitoringDeps } from './monitoring-deps.js';
import { restartStrandedRuns, startDueReEvals } from './start-re-eval-runs.js';
import { finishReEvalRuns } from './finish-re-eval-run.js';
import { warnModelRetirements } from '../registry/warn-model-retirements.js';

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
  /** Days before a retirement date at which `model.retirement_warning` is sent (FTM_RETIREMENT_WARNING_DAYS); none: no watch. */
  readonly retirementWarningDays?: readonly number[];
  /** Time between retirement checks (default 1 h; the first tick checks at once). */
  readonly retirementCheckEveryMs?: number;
}

/** What one tick did. */
export interface SchedulerTick {
  readonly leader: boolean;
  readonly started: number;
  readonly finished: number;
  /** Retirement warnings emitted (0 when the check was not due). */
  readonly warned: number;
}

/**
 * The monitoring loop of the worker. Every worker runs one; only the holder of the
 * `re_eval_scheduler` lease works on a tick: it starts the eval runs of due re-evals, restarts
 * runs a crash stranded, and judges runs whose eval has finished (regressions, auto-rollback);
 * about hourly it also runs the retirement watch (warnModelRetirements).
 * The others keep trying to take the lease, so a dead leader is replaced within its TTL.
 */
export class ReEvalScheduler {
  readonly #options: ReEvalSchedulerOptions;
  readonly #lease: SchedulerLease;
  readonly #task: PeriodicTask;
  #lastRetirementCheck: number | null = null;

  constructor(options: ReEvalSchedulerOptions) {
    this.#options = options;
    const logger = options.logger ?? options.deps.logger ?? silentLogger;
    const intervalMs = options.intervalMs ?? 5_000;
    this.#lease = new SchedulerLease({ db: options.deps.db, name: RE_EVAL_SCHEDULER_LEASE, owner: options.owner, ttlMs: options.leaseTtlMs ?? intervalMs * 3, clock: options.deps.clock });
    this.#task = new PeriodicTask({
      name: 're-eval scheduler',
      intervalMs,
      firstRunAfterMs: 0,
      lease: this.#lease,
      logger,
      run: async () => {
        const t = await this.#work();
        if (t.started + t.finished + t.warned > 0) logger.info({ leader: true, ...t }, 're-eval scheduler tick');
      },
      onError: (error) => logger.error({ err: error }, 're-eval scheduler tick failed'),
    });
  }

  /** One pass; safe to call directly (tests, a cron-driven deployment). */
  async tick(): Promise<SchedulerTick> {
    if (!(await this.#lease.acquire())) return { leader: false, started: 0, finished: 0, warned: 0 };
    return { leader: true, ...(await this.#work()) };
  }

  /** The leader's work on a tick. */
  async #work(): Promise<Omit<SchedulerTick, 'leader'>> {
    const { deps } = this.#options;
    const now = deps.clock.now();
    const started = (await startDueReEvals(deps, now)) + (await restartStrandedRuns(deps, now));
    const finished = await finishReEvalRuns(deps);
    return { started, finished, warned: await this.#watchRetirements(now) };
  }

  /** The retirement watch rides on the leader's tick, at its own (much slower) pace. */
  async #watchRetirements(now: Date): Promise<number> {
    const days = this.#options.retirementWarningDays ?? [];
    if (days.length === 0) return 0;
    const every = this.#options.retirementCheckEveryMs ?? 3_600_000;
    if (this.#lastRetirementCheck !== null && now.getTime() - this.#lastRetirementCheck < every) return 0;
    const warned = await warnModelRetirements(this.#options.deps, { thresholdsDays: days });
    this.#lastRetirementCheck = now.getTime();
    return warned;
  }

  /** Runs a tick at once, then one every interval (the periodic loop holds the lease). */
  start(): void {
    this.#task.start();
  }

  /** Stops after the tick in progress and gives up the lease. */
  async stop(): Promise<void> {
    await this.#task.stop();
  }
}
