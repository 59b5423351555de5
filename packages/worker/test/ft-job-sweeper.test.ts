import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger, systemClock, uuidv7Generator, type FineTuningService } from '@ftm/core';
import { createPgliteTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { ftJobHandlers, startFtJobSweeper } from '../src/index.js';

let t: TestDatabase;

beforeAll(async () => {
  t = await createPgliteTestDatabase();
});
afterAll(async () => {
  await t.dispose();
});

/** A fine-tuning service whose sweep only counts its calls. */
function countingFineTuning(): { readonly service: FineTuningService; readonly sweeps: () => number } {
  let sweeps = 0;
  const service = { sweep: async () => ((sweeps += 1), 0) } as unknown as FineTuningService;
  return { service, sweeps: () => sweeps };
}

async function waitUntil(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('fine-tuning sweeper', () => {
  it('sweeps at start and then every interval on one worker only; the other takes over when it stops', async () => {
    const one = countingFineTuning();
    const two = countingFineTuning();
    const a = startFtJobSweeper(one.service, { database: t.database, clock: systemClock, logger: silentLogger, intervalMs: 10, owner: `a-${uuidv7Generator.next()}` });
    await waitUntil(() => one.sweeps() >= 3);
    const b = startFtJobSweeper(two.service, { database: t.database, clock: systemClock, logger: silentLogger, intervalMs: 10, owner: `b-${uuidv7Generator.next()}` });
    await waitUntil(() => one.sweeps() >= 6);
    expect(two.sweeps()).toBe(0);
    await a.stop();
    await waitUntil(() => two.sweeps() >= 2);
    await b.stop();
  });

  it('runs one sweep for an ft_job.sweep job left in a queue by an earlier release', async () => {
    const ft = countingFineTuning();
    await ftJobHandlers(ft.service)['ft_job.sweep'](
      {},
      { job: { id: 'ft_job.sweep/1', name: 'ft_job.sweep', payload: {}, attempt: 1, maxAttempts: 3 }, signal: new AbortController().signal, logger: silentLogger },
    );
    expect(ft.sweeps()).toBe(1);
  });
});
