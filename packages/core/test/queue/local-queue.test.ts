import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalQueue, type LocalQueueOptions } from '../../src/adapters/local-queue/local-queue.js';
import { JobQueueStore } from '../../src/adapters/local-queue/job-queue-store.js';
import { LeaseLostError } from '../../src/adapters/local-queue/local-consumer.js';
import { PgListenWakeUps } from '../../src/adapters/local-queue/pg-listen-wake-ups.js';
import { MAX_QUEUE_BACKOFF_MS, queueRetryDelayMs } from '../../src/ports/queue.js';
import { openQueue } from '../../src/adapters/open-queue.js';
import { BullMqQueue } from '../../src/adapters/redis/bullmq-queue.js';
import { ValidationError } from '../../src/shared/errors.js';
import { createPostgresTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { sleep, waitFor } from './queue-harness.js';

describe('queueRetryDelayMs', () => {
  it('waits between half and all of the exponential delay for the attempt', () => {
    expect(queueRetryDelayMs(100, 1, () => 0)).toBe(50);
    expect(queueRetryDelayMs(100, 1, () => 1)).toBe(100);
    expect(queueRetryDelayMs(100, 3, () => 0)).toBe(200);
    expect(queueRetryDelayMs(100, 3, () => 1)).toBe(400);
  });

  it('never waits longer than the cap, and not at all with a zero base', () => {
    expect(queueRetryDelayMs(1_000, 40, () => 1)).toBe(MAX_QUEUE_BACKOFF_MS);
    expect(queueRetryDelayMs(0, 3, () => 1)).toBe(0);
  });
});

describe('openQueue', () => {
  it('refuses a local queue without a database and a redis queue without a url', () => {
    expect(() => openQueue({ type: 'local' })).toThrow(ValidationError);
    expect(() => openQueue({ type: 'redis' })).toThrow(ValidationError);
  });

  it('opens the BullMQ adapter for redis', async () => {
    const queue = openQueue({ type: 'redis', url: 'redis://127.0.0.1:6379', prefix: 'ftm-test-open' });
    expect(queue).toBeInstanceOf(BullMqQueue);
    await queue.close();
  });
});

describe('LocalQueue on PostgreSQL', () => {
  let t: TestDatabase;
  const opened: LocalQueue[] = [];
  const open = (options: LocalQueueOptions = {}): LocalQueue => {
    const queue = new LocalQueue(t.database, { pollIntervalMs: 25, defaultBackoffMs: 10, ...options });
    opened.push(queue);
    return queue;
  };
  const row = (id: string) => t.database.db.selectFrom('job_queue').selectAll().where('id', '=', id).executeTakeFirst();

  beforeAll(async () => {
    t = await createPostgresTestDatabase();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((q) => q.close()));
    await t.database.db.deleteFrom('job_queue').execute();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('opens a local queue on the given database through openQueue', async () => {
    const queue = openQueue({ type: 'local', database: t.database, url: t.url });
    expect(queue).toBeInstanceOf(LocalQueue);
    const id = await queue.enqueue('opened', { ok: true });
    expect((await row(id))?.payload).toEqual({ ok: true });
    await queue.close();
  });

  it('wakes an idle consumer through LISTEN/NOTIFY instead of waiting for its next poll', async () => {
    const queue = open({ pollIntervalMs: 120_000, wakeUps: new PgListenWakeUps({ connectionString: t.url! }) });
    const ran: string[] = [];
    queue.consume({ wake: async (job) => void ran.push(job.id) });
    await waitFor(async () => {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
        where datname = current_database() and query ilike 'listen%'`.execute(t.database.db);
      return rows[0]!.n > 0;
    });
    const id = await queue.enqueue('wake', {});
    await waitFor(() => ran.length === 1, 20_000, 'the wake-up');
    expect(ran).toEqual([id]);
  });

  it('keeps extending the lease of a job that runs longer than its visibility timeout', async () => {
    const first = open();
    const second = open();
    const deliveries: number[] = [];
    let finished = false;
    const handler = async (job: { attempt: number }): Promise<void> => {
      deliveries.push(job.attempt);
      await sleep(1_200);
      finished = true;
    };
    await first.enqueue('long', {});
    first.consume({ long: handler }, { visibilityTimeoutMs: 300 });
    await waitFor(() => deliveries.length === 1);
    second.consume({ long: handler }, { visibilityTimeoutMs: 300 });
    await waitFor(() => finished);
    await first.stop();
    await second.stop();
    expect(deliveries).toEqual([1]);
  });

  it('aborts a running job whose lease was taken by another worker', async () => {
    const queue = open();
    let reason: unknown;
    const id = await queue.enqueue('taken', {}, { backoffMs: 60_000 });
    queue.consume(
      {
        taken: (_job, signal) =>
          new Promise<void>((_resolve, reject) => {
            signal.addEventListener('abort', () => {
              reason = signal.reason;
              reject(signal.reason as Error);
            });
          }),
      },
      { visibilityTimeoutMs: 300 },
    );
    await waitFor(async () => (await row(id))?.status === 'active');
    await t.database.db.updateTable('job_queue').set({ locked_by: 'another-worker' }).where('id', '=', id).execute();
    await waitFor(() => reason !== undefined);
    expect(reason).toBeInstanceOf(LeaseLostError);
    expect((await row(id))?.locked_by).toBe('another-worker');
  });

  it('dead-letters a job whose worker vanished during its last attempt without running it again', async () => {
    const queue = open();
    const store = new JobQueueStore(t.database.db);
    let calls = 0;
    const id = await queue.enqueue('poison', {}, { maxAttempts: 1 });
    await store.claim(['poison'], 1, 'vanished-worker', 200);
    queue.consume({ poison: async () => void (calls += 1) }, { visibilityTimeoutMs: 200 });
    await waitFor(async () => (await row(id))?.status === 'dead_letter');
    expect(calls).toBe(0);
    expect((await row(id))?.last_error).toContain('lost by its worker');
  });

  it('ignores the outcome reported by a worker whose lease already passed to another', async () => {
    const store = new JobQueueStore(t.database.db);
    const id = await open().enqueue('fenced', {});
    const [stale] = await store.claim(['fenced'], 1, 'worker-a', 1);
    await sleep(20);
    const [fresh] = await store.claim(['fenced'], 1, 'worker-b', 60_000);
    expect(fresh?.attempt).toBe(2);
    expect(await store.complete({ id, attempt: stale!.attempt, workerId: 'worker-a' })).toBe(false);
    expect(await store.deadLetter({ id, attempt: stale!.attempt, workerId: 'worker-a' }, 'late')).toBe(false);
    expect(await row(id)).toMatchObject({ status: 'active', locked_by: 'worker-b' });
    expect(await store.complete({ id, attempt: 2, workerId: 'worker-b' })).toBe(true);
  });

  it('prunes succeeded jobs past their retention and keeps dead letters', async () => {
    const queue = open({ retentionMs: 100, pruneIntervalMs: 0 });
    const done = await queue.enqueue('prune', { fail: false });
    const dead = await queue.enqueue('prune', { fail: true }, { maxAttempts: 1 });
    queue.consume({
      prune: async (job) => {
        if ((job.payload as { fail: boolean }).fail) throw new Error('no');
      },
    });
    await waitFor(async () => (await row(done)) === undefined, 15_000, 'the pruning');
    expect((await row(dead))?.status).toBe('dead_letter');
  });

  it('refuses to consume twice on one instance', () => {
    const queue = open();
    queue.consume({ x: async () => {} });
    expect(() => queue.consume({ x: async () => {} })).toThrow(/already consuming/);
  });
});
