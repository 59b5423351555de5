/**
 * Waits between attempts, in one place: every retry loop and rescheduled job in core takes its
 * delay from {@link backoffMs} (exponential, capped, jittered) or {@link jitterMs} (a fixed
 * schedule spread), and a call retried in-process goes through {@link retry}. The SDK keeps its
 * own (it must not depend on core).
 */

/**
 * How the exponential delay is spread: `full` draws uniformly in [0, d) (many callers failing
 * together spread out most); `equal` keeps half of d fixed and draws the other half, so a retry
 * never comes back at once; `none` is d itself (a deterministic schedule).
 */
export type Jitter = 'full' | 'equal' | 'none';

export interface BackoffPolicy {
  /** The delay after the first failed attempt, before jitter. */
  readonly baseMs: number;
  /** The cap of the exponential delay, before jitter. */
  readonly maxMs: number;
  /** Default `full`. */
  readonly jitter?: Jitter;
}

/**
 * The wait after failed attempt `attempt` (1 for the first): d = min(maxMs, baseMs·2^(attempt-1)),
 * then jittered. `full`: floor(random·d); `equal`: round(d/2 + random·d/2); `none`: d.
 */
export function backoffMs(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  if (policy.baseMs <= 0) return 0;
  // 2^1023 is the last finite power; past it the cap decides anyway.
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(Math.max(0, attempt - 1), 1023));
  switch (policy.jitter ?? 'full') {
    case 'full':
      return Math.floor(random() * exponential);
    case 'equal':
      return Math.round(exponential / 2 + random() * (exponential / 2));
    case 'none':
      return exponential;
  }
}

/** `ms` spread by ±`spread` (0.2: ±20 %), rounded: a fixed schedule's delays, jittered. */
export function jitterMs(ms: number, spread: number, random: () => number = Math.random): number {
  return spread === 0 ? ms : Math.round(ms * (1 + spread * (2 * random() - 1)));
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (!signal) return new Promise((resolve) => setTimeout(resolve, ms));
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RetryOptions extends BackoffPolicy {
  /** Attempts in all, the first included (1: no retry). */
  readonly attempts: number;
  /** Aborting stops at once: no further attempt, the wait rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Whether a failure may be tried again (default: every failure). */
  readonly isRetryable?: (error: unknown, attempt: number) => boolean;
  /** A wait the failure itself names (a capped Retry-After); undefined: the backoff. */
  readonly delayMs?: (error: unknown, attempt: number) => number | undefined;
  /** Injected for tests. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random?: () => number;
}

/**
 * Calls `fn` (with its attempt number, 1 first) until it succeeds, a failure is not retryable,
 * the attempts are spent (the last failure is thrown) or the signal aborts.
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const wait = options.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= options.attempts || options.signal?.aborted || !(options.isRetryable?.(error, attempt) ?? true)) throw error;
      await wait(options.delayMs?.(error, attempt) ?? backoffMs(attempt, options, options.random), options.signal);
    }
  }
}
