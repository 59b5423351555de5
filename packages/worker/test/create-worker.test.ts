import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DependencyUnavailableError, enqueueJob, LocalQueue, NotFoundError, ValidationError, recordEvent, uuidv7Generator, silentLogger, systemClock, type OutboxDispatchPayload } from '@ftm/core';
import { createPostgresTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant } from '@ftm/test-support/fixtures';
import { waitFor } from '../../core/test/queue/queue-harness.js';
import { createWorker, defineJob, JobTimeoutError, outboxDispatchJob, type CreateWorkerOptions, type FtmWorker, type JobDefinition } from '../src/index.js';

const greet = defineJob({
  name: 'test.greet',
  schema: z.object({ name: z.string().min(1), times: z.number().int().default(1) }),
  retry: { maxAttempts: 3, backoffMs: 10 },
});

describe('createWorker', () => {
  let t: TestDatabase;
  let queue: LocalQueue;
  let worker: FtmWorker | undefined;

  const row = (id: string) => t.database.db.selectFrom('job_queue').selectAll().where('id', '=', id).executeTakeFirst();
  const settled = (id: string) =>
    waitFor(async () => {
      const r = await row(id);
      return r && (r.status === 'succeeded' || r.status === 'dead_letter') ? r : undefined;
    });

  beforeAll(async () => {
    t = await createPostgresTestDatabase();
  });
  afterEach(async () => {
    await worker?.stop(1_000);
    worker = undefined;
    await t.database.db.deleteFrom('job_queue').execute();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  function start<const Jobs extends readonly JobDefinition[]>(options: Omit<CreateWorkerOptions<Jobs>, 'queue'>): void {
    queue = new LocalQueue(t.database, { pollIntervalMs: 20 });
    worker = createWorker<Jobs>({ queue, ...options });
    worker.start();
  }

  it('hands each handler its payload parsed by the job schema', async () => {
    const seen: { name: string; times: number }[] = [];
    start({ jobs: [greet], handlers: { 'test.greet': async (payload) => void seen.push(payload) } });
    const id = await enqueueJob(queue, greet, { name: 'Ada' });
    expect((await settled(id)).status).toBe('succeeded');
    expect(seen).toEqual([{ name: 'Ada', times: 1 }]);
  });

  it('infers the handler payload type from the schema', () => {
    const build = () =>
      createWorker({
        queue: new LocalQueue(t.database),
        jobs: [greet],
        handlers: {
          'test.greet': async (payload) => {
            // @ts-expect-error `age` is not in the schema
            void payload.age;
            void payload.times.toFixed();
          },
        },
      });
    expect(build).not.toThrow();
  });

  it('enqueueJob refuses a payload that does not match the schema and applies the retry policy', async () => {
    queue = new LocalQueue(t.database);
    await expect(enqueueJob(queue, greet, { name: '' })).rejects.toBeInstanceOf(ValidationError);
    const id = await enqueueJob(queue, greet, { name: 'Grace' });
    expect(await row(id)).toMatchObject({ max_attempts: 3, backoff_ms: 10 });
  });

  it('dead-letters a job whose payload does not match its schema without calling its handler', async () => {
    let calls = 0;
    start({ jobs: [greet], handlers: { 'test.greet': async () => void (calls += 1) } });
    const id = await queue.enqueue('test.greet', { name: 42 }, { maxAttempts: 5 });
    const settledRow = await settled(id);
    expect(settledRow).toMatchObject({ status: 'dead_letter', attempt: 1 });
    expect(settledRow.last_error).toContain('does not match its schema');
    expect(settledRow.last_error).not.toContain('42');
    expect(calls).toBe(0);
  });

  it('fails a job at once when its handler throws a domain error', async () => {
    let calls = 0;
    start({
      jobs: [greet],
      handlers: {
        'test.greet': async () => {
          calls += 1;
          throw new NotFoundError('dataset', 'd-1');
        },
      },
    });
    const id = await enqueueJob(queue, greet, { name: 'Linus' });
    expect(await settled(id)).toMatchObject({ status: 'dead_letter', attempt: 1 });
    expect(calls).toBe(1);
  });

  it('retries a job whose handler meets a dependency outage', async () => {
    const attempts: number[] = [];
    start({
      jobs: [greet],
      handlers: {
        'test.greet': async (_payload, { job }) => {
          attempts.push(job.attempt);
          if (job.attempt === 1) throw new DependencyUnavailableError('orchestrator');
        },
      },
    });
    const id = await enqueueJob(queue, greet, { name: 'Barbara' });
    expect((await settled(id)).status).toBe('succeeded');
    expect(attempts).toEqual([1, 2]);
  });

  it('aborts the signal of an attempt that runs past its timeout and retries the job', async () => {
    const slow = defineJob({
      name: 'test.slow',
      schema: z.object({}),
      retry: { maxAttempts: 2, backoffMs: 10 },
      timeoutMs: 100,
    });
    const reasons: unknown[] = [];
    start({
      jobs: [slow],
      handlers: {
        'test.slow': async (_payload, { job, signal }) => {
          if (job.attempt > 1) return;
          await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
          reasons.push(signal.reason);
        },
      },
    });
    const id = await enqueueJob(queue, slow, {});
    const done = await settled(id);
    expect(done).toMatchObject({ status: 'succeeded', attempt: 2 });
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toBeInstanceOf(JobTimeoutError);
  });

  it('relays outbox events to outbox.dispatch jobs as part of the runtime', async () => {
    const tenant = await seedTenant(t.database);
    const dispatched: OutboxDispatchPayload[] = [];
    queue = new LocalQueue(t.database, { pollIntervalMs: 20 });
    worker = createWorker({
      queue,
      jobs: [outboxDispatchJob],
      handlers: { 'outbox.dispatch': async ({ events }) => void dispatched.push(...events) },
      outbox: { database: t.database, intervalMs: 20 },
    });
    worker.start();
    const eventId = await t.database.db.transaction().execute((trx) =>
      recordEvent(
        trx,
        {
          tenantId: tenant.tenantId,
          projectId: tenant.projectId,
          actor: { type: 'system', id: 'test', role: 'admin' },
          requestId: 'req-1',
          clock: systemClock,
          ids: uuidv7Generator,
          logger: silentLogger,
        },
        { type: 'model_version.created', resourceType: 'model_version', resourceId: null, payload: { ok: true } },
      ),
    );
    await waitFor(() => dispatched.length === 1);
    expect(dispatched[0]).toMatchObject({ eventId, type: 'model_version.created', tenantId: tenant.tenantId, data: { ok: true } });
  });

  it('refuses a catalog job without a handler', () => {
    const handlers = {} as Parameters<typeof createWorker<[typeof greet]>>[0]['handlers'];
    expect(() => createWorker({ queue: new LocalQueue(t.database), jobs: [greet], handlers })).toThrow(/no handler/);
  });
});
