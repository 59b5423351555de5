import { describe, expect, it } from 'vitest';
import { backoffMs, jitterMs, retry, sleep } from '../../src/shared/backoff.js';

describe('backoffMs', () => {
  it('doubles from the base up to the cap, then jitters: full in [0, d), equal in [d/2, d], none d', () => {
    const policy = { baseMs: 100, maxMs: 1_000 };
    expect(backoffMs(1, { ...policy, jitter: 'none' })).toBe(100);
    expect(backoffMs(4, { ...policy, jitter: 'none' })).toBe(800);
    expect(backoffMs(5, { ...policy, jitter: 'none' })).toBe(1_000);
    expect(backoffMs(3, policy, () => 0.5)).toBe(200);
    expect(backoffMs(3, policy, () => 0.9999)).toBe(399);
    expect(backoffMs(3, { ...policy, jitter: 'equal' }, () => 0)).toBe(200);
    expect(backoffMs(3, { ...policy, jitter: 'equal' }, () => 1)).toBe(400);
  });

  it('stays finite however many attempts failed, and is 0 with a zero base', () => {
    expect(backoffMs(5_000, { baseMs: 1, maxMs: 60_000, jitter: 'none' })).toBe(60_000);
    expect(Number.isFinite(backoffMs(5_000, { baseMs: 1, maxMs: Infinity }, () => 0.5))).toBe(true);
    expect(backoffMs(1_500, { baseMs: 1e-300, maxMs: 10, jitter: 'none' })).toBe(10);
    expect(backoffMs(3, { baseMs: 0, maxMs: 1_000 })).toBe(0);
  });
});

describe('jitterMs', () => {
  it('spreads a delay by ±spread, and leaves it alone with no spread', () => {
    expect(jitterMs(1_000, 0.2, () => 0)).toBe(800);
    expect(jitterMs(1_000, 0.2, () => 1)).toBe(1_200);
    expect(jitterMs(1_000, 0.2, () => 0.5)).toBe(1_000);
    expect(jitterMs(1_000, 0)).toBe(1_000);
  });
});

describe('retry', () => {
  const noWait = { baseMs: 100, maxMs: 1_000, random: () => 0.5 };

  it('tries again after each retryable failure with the backoff, and returns the first success', async () => {
    const waits: number[] = [];
    let calls = 0;
    const value = await retry(
      async (attempt) => {
        calls += 1;
        if (attempt < 3) throw new Error(`fail ${attempt}`);
        return 'ok';
      },
      { ...noWait, attempts: 5, sleep: async (ms) => void waits.push(ms) },
    );
    expect(value).toBe('ok');
    expect(calls).toBe(3);
    expect(waits).toEqual([50, 100]);
  });

  it('throws the last failure once the attempts are spent, and at once on a failure that is not retryable', async () => {
    let calls = 0;
    await expect(
      retry(
        async (attempt) => {
          calls += 1;
          throw new Error(`fail ${attempt}`);
        },
        { ...noWait, attempts: 3, sleep: async () => {} },
      ),
    ).rejects.toThrow('fail 3');
    expect(calls).toBe(3);
    calls = 0;
    await expect(
      retry(
        async () => {
          calls += 1;
          throw new TypeError('bad');
        },
        { ...noWait, attempts: 3, isRetryable: (e) => !(e instanceof TypeError), sleep: async () => {} },
      ),
    ).rejects.toThrow('bad');
    expect(calls).toBe(1);
  });

  it('waits what the failure names (a Retry-After) instead of the backoff', async () => {
    const waits: number[] = [];
    await retry(
      async (attempt) => {
        if (attempt === 1) throw Object.assign(new Error('429'), { retryAfterMs: 7 });
        return null;
      },
      { ...noWait, attempts: 2, delayMs: (e) => (e as { retryAfterMs?: number }).retryAfterMs, sleep: async (ms) => void waits.push(ms) },
    );
    expect(waits).toEqual([7]);
  });

  it('stops waiting and trying when its signal aborts', async () => {
    const controller = new AbortController();
    let calls = 0;
    const run = retry(
      async () => {
        calls += 1;
        throw new Error('down');
      },
      { baseMs: 60_000, maxMs: 60_000, jitter: 'none', attempts: 5, signal: controller.signal },
    );
    setTimeout(() => controller.abort(new Error('shutting down')), 10);
    await expect(run).rejects.toThrow('shutting down');
    expect(calls).toBe(1);
    await expect(sleep(10, AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });
});
