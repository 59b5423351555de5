/** Upper bound of one wait between attempts, so a long retry chain still comes back within the hour. */
export const MAX_BACKOFF_MS = 60 * 60 * 1000;

/**
 * Exponential backoff with "equal jitter": half of the exponential delay is fixed, the other half
 * random, so retries of many jobs failing together spread out yet never come back at once.
 * `attempt` is the attempt that just failed (1 for the first).
 */
export function jitteredBackoffMs(baseMs: number, attempt: number, random: () => number = Math.random): number {
  if (baseMs <= 0) return 0;
  const exponential = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}
