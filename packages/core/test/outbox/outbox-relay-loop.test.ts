import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalQueue } from '../../src/adapters/local-queue/local-queue.js';
import { recordEvent } from '../../src/outbox/record-event.js';
import { relayOutbox, toDispatchPayload } from '../../src/outbox/relay-outbox.js';
import { OutboxRelay } from '../../src/outbox/outbox-relay-loop.js';
import { dispatchBatchJobId, OUTBOX_DISPATCH_JOB, OutboxDispatchBatch, OutboxDispatchJobPayload } from '../../src/outbox/outbox-jobs.js';
import type { EnqueueOptions, Queue } from '../../src/ports/queue.js';
import { uuidv7 } from '../../src/shared/ids.js';
import { storeAdapters, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext, type SeededTenant } from '@ftm/test-support/fixtures';
import { waitFor } from '../queue/queue-harness.js';

/** A real queue whose enqueue fails while `failing` says so, and which counts how often each event was enqueued. */
function flakyQueue(inner: Queue, failing: () => boolean): Queue & { calls: Map<string, number>; refused: number } {
  const calls = new Map<string, number>();
  const flaky = Object.assign(Object.create(inner) as Queue, {
    calls,
    refused: 0,
    enqueue: async (name: string, payload: unknown, options?: EnqueueOptions) => {
      if (failing()) {
        flaky.refused += 1;
        throw new Error('queue unavailable');
      }
      const id = await inner.enqueue(name, payload, options);
      for (const event of OutboxDispatchBatch.parse(payload).events) calls.set(event.eventId, (calls.get(event.eventId) ?? 0) + 1);
      return id;
    },
  });
  return flaky;
}

describe.each(storeAdapters)('transactional outbox on $name', ({ name, create }) => {
  let t: TestDatabase;
  let tenant: SeededTenant;

  beforeAll(async () => {
    t = await create();
    tenant = await seedTenant(t.database);
  });
  afterEach(async () => {
    await t.database.db.deleteFrom('outbox_events').execute();
    await t.database.db.deleteFrom('job_queue').execute();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  /** The state change every test uses: a new project, with its event, in one transaction. */
  async function createProject(projectName: string, fail = false): Promise<string> {
    const ctx = testContext({ tenantId: tenant.tenantId });
    const id = uuidv7();
    await t.database.db.transaction().execute(async (trx) => {
      await trx.insertInto('projects').values({ id, tenant_id: tenant.tenantId, name: projectName }).execute();
      await recordEvent(trx, ctx, { type: 'project.created', resourceType: 'project', resourceId: id, payload: { name: projectName } });
      if (fail) throw new Error('the use case failed after writing');
    });
    return id;
  }

  const undispatched = async () => (await t.database.db.selectFrom('outbox_events').select('id').where('dispatched_at', 'is', null).execute()).length;

  it('commits a state change and its event together', async () => {
    const id = await createProject('committed');
    const events = await t.database.db.selectFrom('outbox_events').selectAll().where('resource_id', '=', id).execute();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'project.created', tenant_id: tenant.tenantId, dispatched_at: null });
  });

  it('rolls back the event with a state change that fails', async () => {
    await expect(createProject('rolled-back', true)).rejects.toThrow('the use case failed');
    expect(await t.database.db.selectFrom('projects').select('id').where('name', '=', 'rolled-back').execute()).toEqual([]);
    expect(await t.database.db.selectFrom('outbox_events').select('id').execute()).toEqual([]);
  });

  it('enqueues the events of a pass as one outbox.dispatch job, in seq order, and marks them dispatched', async () => {
    const queue = new LocalQueue(t.database);
    const ids = [await createProject('a'), await createProject('b'), await createProject('c')];
    expect(await relayOutbox({ database: t.database, queue, batchSize: 2 })).toBe(2);
    expect(await relayOutbox({ database: t.database, queue, batchSize: 2 })).toBe(1);
    expect(await relayOutbox({ database: t.database, queue, batchSize: 2 })).toBe(0);

    const events = await t.database.db.selectFrom('outbox_events').selectAll().orderBy('seq').execute();
    const jobs = await t.database.db.selectFrom('job_queue').selectAll().orderBy('created_at').execute();
    expect(events.every((e) => e.dispatched_at !== null)).toBe(true);
    expect(jobs).toHaveLength(2);
    expect(jobs.every((j) => j.name === OUTBOX_DISPATCH_JOB)).toBe(true);
    const batches = jobs.map((j) => OutboxDispatchBatch.parse(j.payload));
    expect(batches.map((b) => b.events.length).sort()).toEqual([1, 2]);
    const dispatched = batches.flatMap((b) => b.events).sort((x, y) => x.seq - y.seq);
    expect(dispatched.map((p) => p.eventId)).toEqual(events.map((e) => e.id));
    expect(dispatched.map((p) => p.resourceId)).toEqual(ids);
    expect(dispatched[0]).toMatchObject({ type: 'project.created', tenantId: tenant.tenantId, data: { name: 'a' } });
    for (const j of jobs) expect(j.id).toBe(dispatchBatchJobId(OutboxDispatchBatch.parse(j.payload).events.map((e) => e.eventId)));
  });

  it('keys a batch job by exactly its events, so only the same batch is deduplicated', () => {
    const [a, b, c] = [uuidv7(), uuidv7(), uuidv7()];
    expect(dispatchBatchJobId([a, b])).toBe(dispatchBatchJobId([a, b]));
    expect(dispatchBatchJobId([a, b])).not.toBe(dispatchBatchJobId([a, b, c]));
    expect(dispatchBatchJobId([a, c])).not.toBe(dispatchBatchJobId([a, b, c]));
    expect(dispatchBatchJobId([a])).toMatch(/^outbox\.[A-Za-z0-9_-]+$/);
  });

  it('reads a single-event payload from an earlier release as a batch of one', async () => {
    await createProject('legacy');
    const row = await t.database.db.selectFrom('outbox_events').selectAll().executeTakeFirstOrThrow();
    const single = toDispatchPayload(row);
    expect(OutboxDispatchJobPayload.parse(single)).toEqual({ events: [single] });
    expect(OutboxDispatchJobPayload.parse({ events: [single] })).toEqual({ events: [single] });
    expect(OutboxDispatchJobPayload.safeParse({ events: [] }).success).toBe(false);
  });

  it('dispatches every event at least once even when the queue throws for a while', async () => {
    let outage = true;
    const queue = flakyQueue(new LocalQueue(t.database), () => outage);
    const relay = new OutboxRelay({ database: t.database, queue, intervalMs: 10, maxBackoffMs: 40, batchSize: 5 });
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await createProject(`outage-${i}`));
    relay.start();
    await waitFor(() => queue.refused >= 3, 10_000, 'the relay to retry during the outage');
    expect(await undispatched()).toBe(12);
    outage = false;
    await waitFor(async () => (await undispatched()) === 0, 15_000, 'the relay to catch up');
    await relay.stop();
    const events = await t.database.db.selectFrom('outbox_events').select('id').execute();
    for (const e of events) expect(queue.calls.get(e.id) ?? 0).toBeGreaterThanOrEqual(1);
    expect(events).toHaveLength(12);
  });

  it('loses no event when two relays run at the same time as writers', async () => {
    const queue = flakyQueue(new LocalQueue(t.database), () => false);
    const relays = [1, 2].map(() => new OutboxRelay({ database: t.database, queue, intervalMs: 5, batchSize: 3 }));
    relays.forEach((r) => r.start());
    await Promise.all(
      [0, 1, 2].map(async (w) => {
        for (let i = 0; i < 10; i++) await createProject(`writer-${w}-${i}`);
      }),
    );
    await waitFor(async () => (await undispatched()) === 0, 15_000, 'every event to be dispatched');
    await Promise.all(relays.map((r) => r.stop()));
    const events = await t.database.db.selectFrom('outbox_events').select('id').execute();
    const jobs = await t.database.db.selectFrom('job_queue').select('payload').execute();
    expect(events).toHaveLength(30);
    const enqueued = jobs.flatMap((j) => OutboxDispatchBatch.parse(j.payload).events.map((e) => e.eventId));
    expect(new Set(enqueued)).toEqual(new Set(events.map((e) => e.id)));
    if (name === 'postgres') {
      // Row locks with SKIP LOCKED: two relays never take the same event.
      expect(Math.max(...queue.calls.values())).toBe(1);
    }
  });
});
