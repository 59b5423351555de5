import { jitterMs } from '../shared/backoff.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * Delay before each attempt of a round, the first included: immediately, 5 s, 5 min, 30 min,
 * 2 h, 5 h, 10 h, 10 h (Svix's schedule). Eight attempts, then the delivery is a dead letter.
 */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [0, 5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR];

/** How a failed attempt continues. */
export type RetryDecision = { readonly kind: 'retry'; readonly delayMs: number } | { readonly kind: 'dead_letter' };

/** Inputs of {@link nextRetry}. */
export interface NextRetryInput {
  /** Attempts made so far, the failed one included (the delivery's attempt_count). */
  readonly attemptCount: number;
  readonly schedule: readonly number[];
  /** Spread of each delay: 0.2 means ±20 %. */
  readonly jitter: number;
  /** The receiver's Retry-After on 429/503, if any. */
  readonly retryAfterMs: number | null;
  /** Longest Retry-After honoured. */
  readonly maxRetryAfterMs: number;
  readonly random?: () => number;
}

/**
 * Attempts run in rounds of `schedule.length`: a round ends in a dead letter, and replaying a dead
 * letter (or redelivering) continues with the next round, so past attempts keep their numbers.
 * The position in the round is `(attemptCount - 1) mod length`.
 */
export function positionInRound(attemptCount: number, roundLength: number): number {
  return (attemptCount - 1) % roundLength;
}

/** After a failed attempt: the jittered delay of the next one, or a dead letter when the round is spent. */
export function nextRetry(input: NextRetryInput): RetryDecision {
  const { schedule } = input;
  const next = positionInRound(input.attemptCount, schedule.length) + 1;
  if (next >= schedule.length) return { kind: 'dead_letter' };
  let delayMs = jitterMs(schedule[next]!, input.jitter, input.random);
  if (input.retryAfterMs !== null) delayMs = Math.max(delayMs, Math.min(input.retryAfterMs, input.maxRetryAfterMs));
  return { kind: 'retry', delayMs: Math.max(0, delayMs) };
}

/** Attempts left in the current round of a delivery that has made `attemptCount` (0 = a fresh one). */
export function attemptsLeftInRound(attemptCount: number, roundLength: number): number {
  if (attemptCount === 0) return roundLength;
  return roundLength - 1 - positionInRound(attemptCount, roundLength);
}
