import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPollingEventNotifier } from '../../src/events/polling-event-notifier.js';
import { latestEventSeq } from '../../src/events/read-events.js';
import { recordEvent } from '../../src/outbox/record-event.js';
import type { ServiceContext } from '../../src/shared/context.js';
import { createPgliteTestDatabase, createPostgresTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext } from '@ftm/test-support/fixtures';

// Real PostgreSQL: only it runs transactions concurrently, which is what makes seq gaps appear.
let test: TestDatabase;
let ctx: ServiceContext;

function emit(type = 'dataset.updated') {
  return test.database.db.transaction().execute((trx) => recordEvent(trx, ctx, { type, resourceType: 'dataset', resourceId: null, payload: {} }));
}

/** Opens a transaction that has written an event and waits; returns how to finish it. */
function holdOpenTransaction(): { written: Promise<void>; finish: (commit: boolean) => Promise<void> } {
  let release!: (commit: boolean) => void;
  const decision = new Promise<boolean>((resolve) => (release = resolve));
  let markWritten!: () => void;
  const written = new Promise<void>((resolve) => (markWritten = resolve));
  const done = test.database.db
    .transaction()
    .execute(async (trx) => {
      await recordEvent(trx, ctx, { type: 'ft_job.updated', resourceType: 'ft_job', resourceId: null, payload: {} });
      markWritten();
      if (!(await decision)) throw new Error('rollback on purpose');
    })
    .catch(() => undefined);
  return {
    written,
    finish: async (commit) => {
      release(commit);
      await done;
    },
  };
}

beforeAll(async () => {
  test = await createPostgresTestDatabase();
  ctx = testContext({ tenantId: (await seedTenant(test.database)).tenantId });
});
afterAll(() => test.dispose());

describe('polling event notifier', () => {
  it('reaches the newest committed seq and tells subscribers when it moves', async () => {
    const notifier = createPollingEventNotifier(test.database.db, { intervalMs: 10 });
    await emit();
    const marks: number[] = [];
    const unsubscribe = notifier.subscribe((mark) => marks.push(mark));
    await emit();
    const tail = await latestEventSeq(test.database.db);
    await vi.waitFor(() => expect(marks.at(-1)).toBe(tail));
    unsubscribe();
    await notifier.close();
  });

  it('holds the mark below an event whose transaction is still open, then passes it once committed', async () => {
    const notifier = createPollingEventNotifier(test.database.db, { intervalMs: 10, gapGraceMs: 0 });
    await emit();
    const open = holdOpenTransaction();
    await open.written;
    const held = await latestEventSeq(test.database.db); // the open one is invisible here
    await emit();
    const after = await latestEventSeq(test.database.db);
    const marks: number[] = [];
    const unsubscribe = notifier.subscribe((mark) => marks.push(mark));
    await vi.waitFor(() => expect(marks.at(-1)).toBe(held));
    // Several more polls must not move past the open transaction's seq.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await notifier.highWaterMark()).toBe(held);
    await open.finish(true);
    await vi.waitFor(() => expect(marks.at(-1)).toBe(after));
    unsubscribe();
    await notifier.close();
  });

  it('skips the gap a rolled-back transaction leaves behind', async () => {
    // A long gap timeout: only the snapshot check can close the gap within waitFor's second.
    const notifier = createPollingEventNotifier(test.database.db, { intervalMs: 10, gapGraceMs: 0, gapTimeoutMs: 600_000 });
    const open = holdOpenTransaction();
    await open.written;
    await open.finish(false);
    await emit();
    const tail = await latestEventSeq(test.database.db);
    const unsubscribe = notifier.subscribe(() => {});
    await vi.waitFor(async () => expect(await notifier.highWaterMark()).toBe(tail));
    unsubscribe();
    await notifier.close();
  });

  it('answers highWaterMark without subscribers by polling, past old rollback gaps when no transaction runs', async () => {
    const notifier = createPollingEventNotifier(test.database.db, { gapGraceMs: 0 });
    await emit();
    expect(await notifier.highWaterMark()).toBe(await latestEventSeq(test.database.db));
    await notifier.close();
  });
});

describe('polling event notifier on PGlite', () => {
  it('skips the gap a rolled-back transaction leaves behind', async () => {
    const lite = await createPgliteTestDatabase();
    try {
      const liteCtx = testContext({ tenantId: (await seedTenant(lite.database)).tenantId });
      const write = (fail: boolean) =>
        lite.database.db
          .transaction()
          .execute(async (trx) => {
            await recordEvent(trx, liteCtx, { type: 'dataset.updated', resourceType: 'dataset', resourceId: null, payload: {} });
            if (fail) throw new Error('rollback on purpose');
          })
          .catch(() => undefined);
      await write(false);
      await write(true);
      await write(false);
      const notifier = createPollingEventNotifier(lite.database.db, { intervalMs: 10, gapGraceMs: 0, gapTimeoutMs: 600_000 });
      const unsubscribe = notifier.subscribe(() => {});
      await vi.waitFor(async () => expect(await notifier.highWaterMark()).toBe(await latestEventSeq(lite.database.db)));
      expect(await latestEventSeq(lite.database.db)).toBe(3);
      unsubscribe();
      await notifier.close();
    } finally {
      await lite.dispose();
    }
  });
});
