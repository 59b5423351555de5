import { afterEach, describe, expect, it, vi } from 'vitest';
import { PeriodicTask, type PeriodicTaskLease } from '../../src/shared/periodic-task.js';
import type { Logger } from '../../src/shared/logger.js';

function recordingLogger(): Logger & { readonly warnings: string[] } {
  const warnings: string[] = [];
  const logger: Logger & { warnings: string[] } = {
    warnings,
    debug() {},
    info() {},
    warn(_obj, msg) {
      warnings.push(msg ?? '');
    },
    error() {},
    child: () => logger,
  };
  return logger;
}

describe('PeriodicTask', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs the first pass after one interval, then one per interval after each pass ends', async () => {
    vi.useFakeTimers();
    let passes = 0;
    const task = new PeriodicTask({ name: 'test', intervalMs: 1_000, run: async () => void (passes += 1) });
    task.start();
    await vi.advanceTimersByTimeAsync(999);
    expect(passes).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(passes).toBe(1);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(passes).toBe(4);
    await task.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(passes).toBe(4);
  });

  it('runs a pass at start when firstRunAfterMs is 0', async () => {
    vi.useFakeTimers();
    let passes = 0;
    const task = new PeriodicTask({ name: 'test', intervalMs: 60_000, firstRunAfterMs: 0, run: async () => void (passes += 1) });
    task.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(passes).toBe(1);
    await task.stop();
  });

  it('takes the pause a pass returns instead of the interval, and none at all for 0', async () => {
    vi.useFakeTimers();
    const pauses = [0, 0, 300];
    let passes = 0;
    const task = new PeriodicTask({ name: 'test', intervalMs: 10_000, firstRunAfterMs: 0, run: async () => pauses[passes++] ?? undefined });
    task.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(passes).toBe(3);
    await vi.advanceTimersByTimeAsync(300);
    expect(passes).toBe(4);
    await vi.advanceTimersByTimeAsync(9_999);
    expect(passes).toBe(4);
    await task.stop();
  });

  it('runs the next pass at once on wake(), and right after the pass in progress when woken during it', async () => {
    vi.useFakeTimers();
    let passes = 0;
    let release: (() => void) | undefined;
    const task = new PeriodicTask({
      name: 'test',
      intervalMs: 60_000,
      run: async () => {
        passes += 1;
        if (passes === 1) await new Promise<void>((resolve) => (release = resolve));
      },
    });
    task.start();
    task.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(passes).toBe(1);
    task.wake();
    release?.();
    await vi.advanceTimersByTimeAsync(0);
    expect(passes).toBe(2);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(passes).toBe(2);
    await task.stop();
  });

  it('logs a failed pass and goes on; onError chooses the pause from the count of failures in a row', async () => {
    vi.useFakeTimers();
    const logger = recordingLogger();
    let passes = 0;
    const plain = new PeriodicTask({
      name: 'flaky sweep',
      intervalMs: 100,
      logger,
      run: async () => {
        passes += 1;
        throw new Error('database down');
      },
    });
    plain.start();
    await vi.advanceTimersByTimeAsync(250);
    expect(passes).toBe(2);
    expect(logger.warnings).toEqual(['flaky sweep failed', 'flaky sweep failed']);
    await plain.stop();

    const failures: number[] = [];
    let calls = 0;
    const backingOff = new PeriodicTask({
      name: 'backoff',
      intervalMs: 100,
      firstRunAfterMs: 0,
      run: async () => {
        calls += 1;
        if (calls <= 3) throw new Error('queue down');
      },
      onError: (_error, n) => {
        failures.push(n);
        return 1_000 * n;
      },
    });
    backingOff.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(failures).toEqual([1]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(failures).toEqual([1, 2]);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(failures).toEqual([1, 2, 3]);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(calls).toBe(4);
    await backingOff.stop();
  });

  it('stop() waits for the pass in progress and releases the lease', async () => {
    const events: string[] = [];
    let started: () => void = () => undefined;
    const running = new Promise<void>((resolve) => (started = resolve));
    const lease: PeriodicTaskLease = {
      acquire: async () => true,
      release: async () => void events.push('released'),
    };
    const task = new PeriodicTask({
      name: 'test',
      intervalMs: 10,
      firstRunAfterMs: 0,
      lease,
      run: async () => {
        started();
        await new Promise((resolve) => setTimeout(resolve, 50));
        events.push('pass finished');
      },
    });
    task.start();
    await running;
    await task.stop();
    expect(events).toEqual(['pass finished', 'released']);
  });

  it('skips the pass while another process holds the lease', async () => {
    vi.useFakeTimers();
    let leader = false;
    let passes = 0;
    const task = new PeriodicTask({ name: 'test', intervalMs: 100, lease: { acquire: async () => leader, release: async () => undefined }, run: async () => void (passes += 1) });
    task.start();
    await vi.advanceTimersByTimeAsync(300);
    expect(passes).toBe(0);
    leader = true;
    await vi.advanceTimersByTimeAsync(100);
    expect(passes).toBe(1);
    await task.stop();
  });

  it('spreads each pause over ±jitter of the interval', async () => {
    vi.useFakeTimers();
    const random = vi.spyOn(Math, 'random').mockReturnValueOnce(0).mockReturnValue(0.999_999);
    let passes = 0;
    const task = new PeriodicTask({ name: 'test', intervalMs: 1_000, jitter: 0.2, run: async () => void (passes += 1) });
    task.start();
    await vi.advanceTimersByTimeAsync(800);
    expect(passes).toBe(1);
    await vi.advanceTimersByTimeAsync(1_199);
    expect(passes).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(passes).toBe(2);
    random.mockRestore();
    await task.stop();
  });

  it('does not keep the process alive while it waits', async () => {
    const unref = vi.fn();
    const real = globalThis.setTimeout;
    const spy = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      const timer = real(fn, ms);
      const original = timer.unref.bind(timer);
      timer.unref = () => {
        unref();
        return original();
      };
      return timer;
    }) as typeof setTimeout);
    const task = new PeriodicTask({ name: 'test', intervalMs: 60_000, run: async () => undefined });
    task.start();
    await Promise.resolve();
    spy.mockRestore();
    expect(unref).toHaveBeenCalled();
    await task.stop();
  });
});
