import { backoffMs } from '../shared/backoff.js';

/** One job as a handler sees it. `attempt` starts at 1. */
export interface QueueJob<P = unknown> {
  readonly id: string;
  readonly name: string;
  readonly payload: P;
  readonly attempt: number;
  readonly maxAttempts: number;
}

export interface EnqueueOptions {
  /** Deduplicates: enqueuing a job id that is already waiting or running is a no-op. */
  readonly jobId?: string;
  readonly delayMs?: number;
  readonly maxAttempts?: number;
  /** Base of the exponential backoff between attempts (jittered). */
  readonly backoffMs?: number;
}

export type JobHandler<P = unknown> = (job: QueueJob<P>, signal: AbortSignal) => Promise<void>;

export interface ConsumeOptions {
  readonly concurrency?: number;
  /** A job not finished within this time is considered lost and handed out again. */
  readonly visibilityTimeoutMs?: number;
}

export interface QueueDepth {
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly deadLetter: number;
}

/** The depth of the jobs of one name. */
export interface JobNameDepth extends QueueDepth {
  readonly name: string;
}

export interface DeadLetter {
  readonly id: string;
  readonly name: string;
  readonly payload: unknown;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly failedAt: Date;
}

/**
 * A work queue with at-least-once delivery. Handlers must be idempotent. A handler that throws
 * is retried with backoff until maxAttempts, then the job is a dead letter; `UnrecoverableError`
 * dead-letters at once. No connection or transaction type crosses this port.
 */
export interface Queue {
  enqueue(name: string, payload: unknown, options?: EnqueueOptions): Promise<string>;
  /** Starts consuming the named jobs until stop(). */
  consume(handlers: Readonly<Record<string, JobHandler>>, options?: ConsumeOptions): void;
  /** Stops taking jobs and waits for in-flight ones (up to the timeout, then aborts their signals). */
  stop(drainTimeoutMs?: number): Promise<void>;
  depth(): Promise<QueueDepth>;
  /**
   * The same counts per job name, sorted by name: every name with at least one job waiting, active,
   * delayed or dead-lettered (a name left out has none; an exporter reports it as 0). It may cost
   * a scan of the backend where depth() does not, so it is meant for metrics scrapes, not hot paths.
   */
  depthByName(): Promise<readonly JobNameDepth[]>;
  listDeadLetters(options?: { since?: Date; limit?: number }): Promise<readonly DeadLetter[]>;
  /** Puts dead letters (all since a time, or the given ids) back to waiting; returns how many. */
  replayDeadLetters(options: { since?: Date; ids?: readonly string[] }): Promise<number>;
  check(): Promise<void>;
  close(): Promise<void>;
}

/** Upper bound of one wait between attempts, so a long retry chain still comes back within the hour. */
export const MAX_QUEUE_BACKOFF_MS = 60 * 60 * 1000;

/**
 * The wait before a failed job's next attempt, the same in every Queue adapter: exponential from
 * the job's `backoffMs`, capped at an hour, with equal jitter (half fixed, half random), so retries
 * of many jobs failing together spread out yet never come back at once. `attempt` is the one that
 * just failed (1 for the first).
 */
export function queueRetryDelayMs(baseMs: number, attempt: number, random: () => number = Math.random): number {
  return backoffMs(attempt, { baseMs, maxMs: MAX_QUEUE_BACKOFF_MS, jitter: 'equal' }, random);
}
