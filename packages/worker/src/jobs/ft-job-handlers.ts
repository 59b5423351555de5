import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  FT_JOB_POLL,
  FT_JOB_SUBMIT,
  FT_JOB_SWEEP,
  FT_JOB_SWEEP_EVERY_MS,
  FT_JOB_SWEEP_LEASE,
  PeriodicTask,
  SchedulerLease,
  type Clock,
  type FineTuningService,
  type FtmDatabase,
  type ftJobPollJob,
  type ftJobSubmitJob,
  type ftJobSweepJob,
  type JobHandlerOf,
  type Logger,
} from '@ftm/core';

/** The fine-tuning handlers of the catalog (`ft_job.sweep`: a leftover job of an earlier release runs one sweep). */
export function ftJobHandlers(fineTuning: FineTuningService): {
  readonly [FT_JOB_SUBMIT]: JobHandlerOf<typeof ftJobSubmitJob>;
  readonly [FT_JOB_POLL]: JobHandlerOf<typeof ftJobPollJob>;
  readonly [FT_JOB_SWEEP]: JobHandlerOf<typeof ftJobSweepJob>;
} {
  return {
    [FT_JOB_SUBMIT]: async (payload, { job }) => {
      await fineTuning.submit(payload.tenant_id, payload.ft_job_id, job.id);
    },
    [FT_JOB_POLL]: async (payload, { job }) => {
      await fineTuning.poll(payload.tenant_id, payload.ft_job_id, job.id);
    },
    [FT_JOB_SWEEP]: async () => {
      await fineTuning.sweep();
    },
  };
}

/** Options of {@link startFtJobSweeper}. */
export interface StartFtJobSweeperOptions {
  /** Where the `ft_job_sweep` lease lives. */
  readonly database: FtmDatabase;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Time between sweeps (default 60 s); the lease lasts three. */
  readonly intervalMs?: number;
  /** Names this worker in the lease (default host:pid:random). */
  readonly owner?: string;
}

/** A running periodic sweep; stop() waits for a sweep in progress and releases the lease. */
export interface FtJobSweeper {
  stop(): Promise<void>;
}

/**
 * Runs `fineTuning.sweep()` once a minute on one worker (the holder of the `ft_job_sweep` lease):
 * it re-enqueues lost submissions and polls and syncs pending PRISM approvals. A failed sweep is
 * logged and tried again at the next tick.
 */
export function startFtJobSweeper(fineTuning: FineTuningService, options: StartFtJobSweeperOptions): FtJobSweeper {
  const intervalMs = options.intervalMs ?? FT_JOB_SWEEP_EVERY_MS;
  const task = new PeriodicTask({
    name: 'fine-tuning sweep',
    intervalMs,
    firstRunAfterMs: 0,
    lease: new SchedulerLease({
      db: options.database.db,
      name: FT_JOB_SWEEP_LEASE,
      owner: options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
      ttlMs: intervalMs * 3,
      clock: options.clock,
    }),
    logger: options.logger,
    run: async () => {
      await fineTuning.sweep();
    },
  });
  task.start();
  return { stop: () => task.stop() };
}
