import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { bullMqDepthByName } from '../../src/adapters/redis/bullmq-depth-by-name.js';
import { BullMqQueue } from '../../src/adapters/redis/bullmq-queue.js';
import { TEST_REDIS_URL } from './queue-harness.js';

const prefix = `ftm-test-${randomBytes(6).toString('hex')}`;
const queue = new BullMqQueue({ url: TEST_REDIS_URL, prefix, queueName: 'by-name' });
const redis = new Redis(TEST_REDIS_URL);

afterAll(async () => {
  await queue.obliterate();
  await queue.close();
  await redis.quit();
});

it('pages through every id of a state, whatever the page size', async () => {
  for (let i = 0; i < 5; i++) await queue.enqueue(i % 2 === 0 ? 'even' : 'odd', { i });
  await queue.enqueue('odd', {}, { delayMs: 60_000 });
  const key = (type: string): string => `${prefix}:by-name:${type}`;
  const keys = { wait: key('wait'), prioritized: key('prioritized'), active: key('active'), delayed: key('delayed'), failed: key('failed'), jobKeyPrefix: key('') };
  const expected = [
    { name: 'even', waiting: 3, active: 0, delayed: 0, deadLetter: 0 },
    { name: 'odd', waiting: 2, active: 0, delayed: 1, deadLetter: 0 },
  ];
  for (const pageSize of [1, 2, 3, 5, 1_000]) expect(await bullMqDepthByName(redis, keys, pageSize)).toEqual(expected);
});
