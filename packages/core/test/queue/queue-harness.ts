/**
 * One harness per Queue adapter for the conformance suite: opens queue instances on a shared
 * backend, simulates a worker that claims a job and vanishes, and isolates tests from each other.
 */
import { randomBytes } from 'node:crypto';
import { GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import amqplib from 'amqplib';
import { Worker } from 'bullmq';
import { startFauxqs } from 'fauxqs';
import { Redis } from 'ioredis';
import { BrokerQueue } from '../../src/adapters/broker/broker-queue.js';
import { decodeEnvelope } from '../../src/adapters/broker/job-envelope.js';
import type { MessageBroker } from '../../src/adapters/broker/message-broker.js';
import { RabbitBroker } from '../../src/adapters/rabbit/rabbit-broker.js';
import { SqsBroker } from '../../src/adapters/sqs/sqs-broker.js';
import { LocalQueue } from '../../src/adapters/local-queue/local-queue.js';
import { JobQueueStore } from '../../src/adapters/local-queue/job-queue-store.js';
import { PgListenWakeUps } from '../../src/adapters/local-queue/pg-listen-wake-ups.js';
import { BullMqQueue } from '../../src/adapters/redis/bullmq-queue.js';
import type { Queue } from '../../src/ports/queue.js';
import { createPgliteTestDatabase, createPostgresTestDatabase, type TestDatabase } from '@ftm/test-support/databases';

export const TEST_REDIS_URL = process.env.FTM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEST_RABBIT_URL = process.env.FTM_TEST_RABBIT_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
/** fauxqs accepts any credentials; the SDK wants some. */
export const TEST_SQS_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Defaults that keep the suite fast: short polls and backoffs. */
export interface HarnessQueueOptions {
  readonly defaultBackoffMs?: number;
}

export interface QueueHarness {
  /** A new Queue instance on the shared backend; closed by `cleanup()`. */
  open(options?: HarnessQueueOptions): Queue;
  /** Claims the next waiting job `name` as a worker that then dies; returns its id. */
  vanish(name: string, leaseMs: number): Promise<string>;
  /** Closes the queues of the test and forgets its jobs. */
  cleanup(): Promise<void>;
  dispose(): Promise<void>;
}

const FAST_BACKOFF_MS = 10;

async function localHarness(t: TestDatabase): Promise<QueueHarness> {
  const opened: Queue[] = [];
  const store = new JobQueueStore(t.database.db);
  return {
    open: (options = {}) => {
      const queue = new LocalQueue(t.database, {
        pollIntervalMs: 25,
        defaultBackoffMs: options.defaultBackoffMs ?? FAST_BACKOFF_MS,
        ...(t.url ? { wakeUps: new PgListenWakeUps({ connectionString: t.url }) } : {}),
      });
      opened.push(queue);
      return queue;
    },
    vanish: async (name, leaseMs) => {
      const [row] = await store.claim([name], 1, 'vanished-worker', leaseMs);
      if (!row) throw new Error(`no waiting ${name} job to claim`);
      return row.id;
    },
    cleanup: async () => {
      await Promise.all(opened.splice(0).map((q) => q.stop(1_000)));
      await t.database.db.deleteFrom('job_queue').execute();
    },
    dispose: () => t.dispose(),
  };
}

function redisHarness(): QueueHarness {
  const queueName = 'conformance';
  let prefix = `ftm-test-${randomBytes(6).toString('hex')}`;
  let opened: BullMqQueue[] = [];
  return {
    open: (options = {}) => {
      const queue = new BullMqQueue({
        url: TEST_REDIS_URL,
        prefix,
        queueName,
        defaultBackoffMs: options.defaultBackoffMs ?? FAST_BACKOFF_MS,
        unknownJobDelayMs: 200,
      });
      opened.push(queue);
      return queue;
    },
    vanish: async (_name, leaseMs) => {
      // A manual-fetch worker takes the lock and exits without renewing or finishing it.
      const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
      const ghost = new Worker(queueName, null, { connection, prefix, lockDuration: leaseMs });
      try {
        const job = await ghost.getNextJob('vanished-worker');
        if (!job?.id) throw new Error('no waiting job to claim');
        return job.id;
      } finally {
        await ghost.close();
        await connection.quit();
      }
    },
    cleanup: async () => {
      const queues = opened;
      opened = [];
      await Promise.all(queues.map((q) => q.stop(1_000)));
      await queues[0]?.obliterate();
      await Promise.all(queues.map((q) => q.close()));
      prefix = `ftm-test-${randomBytes(6).toString('hex')}`;
    },
    dispose: async () => {},
  };
}

/** An SQS emulator (fauxqs, in memory) on a free port of 127.0.0.1, for tests in any package. */
export async function startSqsEmulator(): Promise<{ url: string; stop(): Promise<void> }> {
  const emulator = await startFauxqs({ port: 0, logger: false });
  return { url: emulator.address, stop: () => emulator.stop() };
}

/** A unique prefix per test, so parallel runs on the shared broker never meet. */
const testPrefix = (): string => `ftm-test-${randomBytes(6).toString('hex')}`;

/**
 * A harness for BrokerQueue on one broker: `broker(prefix)` opens a broker, `vanish` takes a
 * message as a worker that then dies (returns the job id).
 */
function brokerHarness(
  t: TestDatabase,
  broker: (prefix: string) => MessageBroker,
  vanish: (prefix: string, name: string, leaseMs: number) => Promise<string>,
  dispose: () => Promise<void>,
): QueueHarness {
  let prefix = testPrefix();
  let opened: BrokerQueue[] = [];
  return {
    open: (options = {}) => {
      const queue = new BrokerQueue(broker(prefix), t.database, {
        name: prefix,
        defaultBackoffMs: options.defaultBackoffMs ?? FAST_BACKOFF_MS,
        pollIntervalMs: 25,
      });
      opened.push(queue);
      return queue;
    },
    vanish: (name, leaseMs) => vanish(prefix, name, leaseMs),
    cleanup: async () => {
      const queues = opened;
      opened = [];
      await Promise.all(queues.map((q) => q.stop(1_000)));
      await queues[0]?.obliterate();
      await Promise.all(queues.map((q) => q.close()));
      prefix = testPrefix();
    },
    dispose: async () => {
      await dispose();
      await t.dispose();
    },
  };
}

function rabbitHarness(t: TestDatabase): QueueHarness {
  return brokerHarness(
    t,
    // Queues left behind by a crashed run delete themselves after ten unused minutes.
    (prefix) => new RabbitBroker({ url: TEST_RABBIT_URL, prefix, unusedQueueExpiryMs: 600_000 }),
    async (prefix, name) => {
      // Takes the message unacked, then drops the connection as a killed process would.
      const connection = await amqplib.connect(TEST_RABBIT_URL);
      try {
        const channel = await connection.createChannel();
        const message = await channel.get(`${prefix}.${name}`, { noAck: false });
        if (!message) throw new Error(`no waiting ${name} job to take`);
        return decodeEnvelope(message.content.toString('utf8'))!.id;
      } finally {
        await connection.close();
      }
    },
    async () => {},
  );
}

async function sqsHarness(t: TestDatabase): Promise<QueueHarness> {
  const emulator = await startFauxqs({ port: 0, logger: false });
  const location = { endpoint: emulator.address };
  const client = new SQSClient({ endpoint: emulator.address, region: 'us-east-1', credentials: TEST_SQS_CREDENTIALS });
  return brokerHarness(
    t,
    (prefix) => new SqsBroker({ location, prefix, credentials: TEST_SQS_CREDENTIALS }),
    async (prefix, name, leaseMs) => {
      // Receives the message and never deletes it or extends its visibility.
      const broker = new SqsBroker({ location, prefix, credentials: TEST_SQS_CREDENTIALS });
      await broker.prepare(name);
      const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: broker.queueName(name) }));
      const { Messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1, VisibilityTimeout: Math.ceil(leaseMs / 1000) }));
      await broker.close();
      const [message] = Messages;
      if (!message) throw new Error(`no waiting ${name} job to take`);
      return decodeEnvelope(message.Body ?? '')!.id;
    },
    async () => {
      client.destroy();
      await emulator.stop();
    },
  );
}

/** Every Queue adapter, for `describe.each`. */
export const queueAdapters = [
  { name: 'local queue on PGlite', create: async () => localHarness(await createPgliteTestDatabase()) },
  { name: 'local queue on PostgreSQL', create: async () => localHarness(await createPostgresTestDatabase()) },
  { name: 'BullMQ on Redis', create: async () => redisHarness() },
  { name: 'RabbitMQ (ledger on PostgreSQL)', create: async () => rabbitHarness(await createPostgresTestDatabase()) },
  { name: 'SQS on fauxqs (ledger on PostgreSQL)', create: async () => sqsHarness(await createPostgresTestDatabase()) },
] as const;

/** Polls `probe` until it returns true (or a value), failing after `timeoutMs`. */
export async function waitFor<T>(probe: () => Promise<T> | T, timeoutMs = 15_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
