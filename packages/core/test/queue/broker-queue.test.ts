/**
 * What the RabbitMQ and SQS queues do beyond the conformance suite: the choices their brokers
 * force (message size, no broker delays), and the ledger's crash safety.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BrokerQueue } from '../../src/adapters/broker/broker-queue.js';
import { JobLedger } from '../../src/adapters/broker/job-ledger.js';
import type { MessageBroker } from '../../src/adapters/broker/message-broker.js';
import { RabbitBroker } from '../../src/adapters/rabbit/rabbit-broker.js';
import { SqsBroker } from '../../src/adapters/sqs/sqs-broker.js';
import type { QueueJob } from '../../src/ports/queue.js';
import { createPostgresTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { startSqsEmulator, TEST_RABBIT_URL, TEST_SQS_CREDENTIALS, waitFor } from './queue-harness.js';

interface BrokerFixture {
  broker(prefix: string): MessageBroker;
  stop(): Promise<void>;
}

const brokers: readonly { name: string; start: () => Promise<BrokerFixture> }[] = [
  {
    name: 'RabbitMQ',
    start: async () => ({
      broker: (prefix) => new RabbitBroker({ url: TEST_RABBIT_URL, prefix, unusedQueueExpiryMs: 600_000 }),
      stop: async () => {},
    }),
  },
  {
    name: 'SQS',
    start: async () => {
      const emulator = await startSqsEmulator();
      return {
        broker: (prefix) => new SqsBroker({ location: { endpoint: emulator.url }, prefix, credentials: TEST_SQS_CREDENTIALS }),
        stop: emulator.stop,
      };
    },
  },
];

describe.each(brokers)('BrokerQueue on $name', ({ start }) => {
  let t: TestDatabase;
  let fixture: BrokerFixture;
  let prefix = '';
  const opened: BrokerQueue[] = [];
  const open = (options: { maxMessageBytes?: number; publishGraceMs?: number } = {}): BrokerQueue => {
    const queue = new BrokerQueue(fixture.broker(prefix), t.database, { name: prefix, pollIntervalMs: 25, defaultBackoffMs: 10, ...options });
    opened.push(queue);
    return queue;
  };

  beforeAll(async () => {
    [t, fixture] = await Promise.all([createPostgresTestDatabase(), start()]);
  });
  afterEach(async () => {
    const queues = opened.splice(0);
    await Promise.all(queues.map((q) => q.stop(1_000)));
    await queues[0]?.obliterate();
    await Promise.all(queues.map((q) => q.close()));
  });
  afterAll(async () => {
    await fixture?.stop();
    await t?.dispose();
  });
  const fresh = (): void => {
    prefix = `ftm-test-${randomBytes(6).toString('hex')}`;
  };

  it('carries a payload larger than a broker message in the ledger, and deletes it when the job succeeds', async () => {
    fresh();
    const queue = open();
    // Over SQS's default 256 KiB, the size every SQS-compatible service accepts.
    const big = { text: 'x'.repeat(300 * 1024) };
    const id = await queue.enqueue('big', big);
    const [row] = await t.database.db.selectFrom('broker_jobs').select(['status']).where('id', '=', id).execute();
    expect(row).toEqual({ status: 'queued' });
    const seen: QueueJob[] = [];
    queue.consume({ big: async (job) => void seen.push(job) });
    await waitFor(async () => seen.length === 1 && (await queue.depth()).active === 0);
    expect(seen[0]?.payload).toEqual(big);
    expect(await t.database.db.selectFrom('broker_jobs').select('id').where('id', '=', id).execute()).toEqual([]);
  });

  it('keeps a delay longer than any broker delay (SQS: 15 minutes) in the ledger, not in the broker', async () => {
    fresh();
    const queue = open();
    await queue.enqueue('much-later', {}, { delayMs: 2 * 60 * 60 * 1000 });
    expect(await queue.depthByName()).toEqual([{ name: 'much-later', waiting: 0, active: 0, delayed: 1, deadLetter: 0 }]);
  });

  it('publishes a job whose enqueue died between its ledger row and its publish, once the grace period passes', async () => {
    fresh();
    const queue = open({ publishGraceMs: 200 });
    // What enqueue writes first; the process "dies" before publishing.
    const ledger = new JobLedger(t.database.db, prefix);
    await ledger.insert({ id: 'orphaned-1', name: 'orphan', token: 'token-1', payload: { v: 1 }, attempt: 0, maxAttempts: 3, backoffMs: 10 }, 200);
    const seen: QueueJob[] = [];
    queue.consume({ orphan: async (job) => void seen.push(job) });
    await waitFor(async () => seen.length === 1 && (await queue.depth()).active === 0);
    expect(seen[0]).toMatchObject({ id: 'orphaned-1', payload: { v: 1 }, attempt: 1 });
    // Succeeded: its row is gone, so the job id can be enqueued again.
    expect(await queue.enqueue('orphan', { v: 2 }, { jobId: 'orphaned-1' })).toBe('orphaned-1');
    await waitFor(() => seen.length === 2);
  });

  it('dead-letters a message that is not an FTM job instead of dropping it', async () => {
    fresh();
    const queue = open();
    const broker = fixture.broker(prefix);
    await broker.prepare('foreign');
    await broker.publish('foreign', 'not json at all');
    await broker.close();
    queue.consume({ foreign: async () => {} });
    const [dead] = await waitFor(async () => {
      const list = await queue.listDeadLetters();
      return list.length > 0 ? list : undefined;
    });
    expect(dead).toMatchObject({ name: 'foreign', payload: 'not json at all', lastError: 'not an FTM job message' });
  });

  it('refuses an enqueue while the broker cannot be reached, and leaves no ledger row behind', async () => {
    fresh();
    const unreachable =
      fixture.broker(prefix) instanceof RabbitBroker
        ? new RabbitBroker({ url: 'amqp://guest:guest@127.0.0.1:1', prefix, connectTimeoutMs: 500 })
        : new SqsBroker({ location: { endpoint: 'http://127.0.0.1:1' }, prefix, credentials: TEST_SQS_CREDENTIALS, requestTimeoutMs: 500 });
    const queue = new BrokerQueue(unreachable, t.database, { name: prefix });
    try {
      await expect(queue.enqueue('nowhere', {}, { jobId: 'nowhere-1' })).rejects.toMatchObject({ name: 'DependencyUnavailableError' });
      expect(await t.database.db.selectFrom('broker_jobs').select('id').where('queue', '=', prefix).execute()).toEqual([]);
      await expect(queue.check()).rejects.toMatchObject({ name: 'DependencyUnavailableError' });
    } finally {
      await queue.close();
    }
  });
});
