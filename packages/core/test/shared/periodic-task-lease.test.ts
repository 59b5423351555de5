import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { PeriodicTask } from '../../src/shared/periodic-task.js';
import { SchedulerLease } from '../../src/monitoring/scheduler-lease.js';
import { systemClock } from '../../src/shared/clock.js';
import { uuidv7 } from '../../src/shared/ids.js';

let t: TestDatabase;

beforeAll(async () => {
  t = await createPgliteTestDatabase();
});
afterAll(async () => {
  await t.dispose();
});

describe('PeriodicTask with a SchedulerLease (PGlite)', () => {
  it('runs passes on one process only, and another takes over at once when it stops', async () => {
    const name = `periodic-${uuidv7()}`;
    const passes = { a: 0, b: 0 };
    const task = (owner: 'a' | 'b'): PeriodicTask =>
      new PeriodicTask({
        name: 'lease test',
        intervalMs: 10,
        firstRunAfterMs: 0,
        lease: new SchedulerLease({ db: t.database.db, name, owner, ttlMs: 60_000, clock: systemClock }),
        run: async () => void (passes[owner] += 1),
      });
    const a = task('a');
    a.start();
    await waitUntil(() => passes.a > 0);
    const b = task('b');
    b.start();
    await waitUntil(() => passes.a > 5);
    expect(passes.b).toBe(0);

    await a.stop();
    const aDone = passes.a;
    await waitUntil(() => passes.b > 2);
    expect(passes.a).toBe(aDone);
    await b.stop();
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
