import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger, PromotionsService, ReEvalScheduler } from '@ftm/core';

/** Options of {@link startReEvalScheduler}. */
export interface StartReEvalSchedulerOptions {
  readonly logger: Logger;
  /** Time between ticks (default 5 s); the lease lasts three ticks. */
  readonly intervalMs?: number;
  /** Names this worker in the lease (default host:pid:random). */
  readonly owner?: string;
  /** Days before a retirement date at which the leader sends `model.retirement_warning`; none: no watch. */
  readonly retirementWarningDays?: readonly number[];
}

/**
 * Starts the monitoring loop of this worker. Every worker may run one: the `re_eval_scheduler`
 * lease makes exactly one of them the leader at a time, and another takes over within the lease's
 * lifetime when it dies. `stop()` finishes the tick in progress and releases the lease.
 */
export function startReEvalScheduler(promotions: PromotionsService, options: StartReEvalSchedulerOptions): ReEvalScheduler {
  const scheduler = promotions.createScheduler({
    owner: options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    logger: options.logger,
    ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
    ...(options.retirementWarningDays ? { retirementWarningDays: options.retirementWarningDays } : {}),
  });
  scheduler.start();
  return scheduler;
}
