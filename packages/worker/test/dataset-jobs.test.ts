import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFtm, FsBlobStore, inlineRecordProcessor, LocalQueue, ManualClock, type Ftm } from '@ftm/core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPgliteTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext, type TestServiceContext } from '@ftm/test-support/fixtures';
import { waitFor } from '../../core/test/queue/queue-harness.js';
import { createWorker, datasetBuildJob, datasetJobHandlers, startDatasetSweeper, type FtmWorker } from '../src/index.js';

const records = Array.from({ length: 20 }, (_, i) => ({
  messages: [
    { role: 'user', content: `ping ${i}` },
    { role: 'assistant', content: `pong ${i}` },
  ],
}));

describe('dataset jobs', () => {
  let t: TestDatabase;
  let blobDir: string;
  let ftm: Ftm;
  let clock: ManualClock;
  let ctx: TestServiceContext;
  let worker: FtmWorker | undefined;

  beforeAll(async () => {
    t = await createPgliteTestDatabase();
    blobDir = await mkdtemp(join(tmpdir(), 'ftm-worker-ds-'));
    clock = new ManualClock(new Date());
    ftm = createFtm({ database: t.database, blobs: new FsBlobStore({ root: blobDir }), queue: new LocalQueue(t.database, { pollIntervalMs: 20 }), clock });
    ctx = testContext({ tenantId: (await seedTenant(t.database)).tenantId, clock });
  });
  afterEach(async () => {
    await worker?.stop(1_000);
    worker = undefined;
  });
  afterAll(async () => {
    await t?.dispose();
    await rm(blobDir, { recursive: true, force: true });
  });

  const startWorker = (options: { dedupMemoryBytes?: number } = {}): void => {
    worker = createWorker({ queue: ftm.queue, jobs: [datasetBuildJob], handlers: datasetJobHandlers(ftm.datasets, inlineRecordProcessor, options) });
    worker.start();
  };
  const status = async (id: string) => (await ftm.datasets.getDataset(ctx, id)).status;

  it('builds a dataset that createDataset queued', async () => {
    startWorker();
    const dataset = await ftm.datasets.createDataset(ctx, { name: 'pings', format: 'jsonl_chat', source: { type: 'inline', records } });
    await waitFor(async () => (await status(dataset.id)) === 'ready', 15_000, 'the dataset to be ready');
    expect((await ftm.datasets.getDataset(ctx, dataset.id)).record_count).toBe(20);
  });

  it('fails a build whose dedup indexes outgrow the limit it was given, with the reason', async () => {
    startWorker({ dedupMemoryBytes: 100_000 });
    const dataset = await ftm.datasets.createDataset(ctx, { name: 'too big to dedup', format: 'jsonl_chat', source: { type: 'inline', records } });
    await waitFor(async () => (await status(dataset.id)) === 'failed', 15_000, 'the dataset to fail');
    const failed = await ftm.datasets.getDataset(ctx, dataset.id);
    expect(failed.files).toEqual([]);
    expect(failed.reasons.map((r) => r.code)).toEqual(['dedup_memory_exceeded']);
    expect(failed.reasons[0]!.message).toContain('the dedup indexes outgrew their 100000-byte limit after 20 records (20 kept)');
  });

  it('sweeps a dataset whose build job was lost back into the queue, and it gets built', async () => {
    const dataset = await ftm.datasets.createDataset(ctx, { name: 'lost', format: 'jsonl_chat', source: { type: 'inline', records } });
    // The enqueue after commit was lost (crash, queue outage): no job exists for it.
    await t.database.db.deleteFrom('job_queue').where('id', '=', dataset.id).execute();
    expect(await ftm.datasets.sweep()).toEqual({ requeued: 0, failed: 0 }); // not stale yet
    clock.advance(11 * 60_000);
    expect(await ftm.datasets.sweep()).toEqual({ requeued: 1, failed: 0 });
    expect(await ftm.datasets.sweep()).toEqual({ requeued: 0, failed: 0 }); // bumped: the next sweep waits again
    startWorker();
    await waitFor(async () => (await status(dataset.id)) === 'ready', 15_000, 'the swept dataset to be ready');
  });

  it('fails a dataset whose builds kept dying, with a reason and a dataset.failed event', async () => {
    const dataset = await ftm.datasets.createDataset(ctx, { name: 'doomed', format: 'jsonl_chat', source: { type: 'inline', records } });
    await t.database.db.deleteFrom('job_queue').where('id', '=', dataset.id).execute();
    await t.database.db.updateTable('datasets').set({ status: 'building', build_attempts: 6 }).where('id', '=', dataset.id).execute();
    clock.advance(11 * 60_000);
    expect(await ftm.datasets.sweep()).toEqual({ requeued: 0, failed: 1 });
    const failed = await ftm.datasets.getDataset(ctx, dataset.id);
    expect(failed).toMatchObject({ status: 'failed', files: [] });
    expect(failed.reasons.map((r) => r.code)).toEqual(['build_interrupted']);
    const events = await t.database.db.selectFrom('outbox_events').select('type').where('resource_id', '=', dataset.id).execute();
    expect(events.map((e) => e.type)).toContain('dataset.failed');
  });

  it('runs the sweep periodically until stopped', async () => {
    const dataset = await ftm.datasets.createDataset(ctx, { name: 'periodic', format: 'jsonl_chat', source: { type: 'inline', records } });
    await t.database.db.deleteFrom('job_queue').where('id', '=', dataset.id).execute();
    clock.advance(11 * 60_000);
    const sweeper = startDatasetSweeper(ftm.datasets, { intervalMs: 20, logger: ftm.logger });
    const job = await waitFor(() => t.database.db.selectFrom('job_queue').select('id').where('id', 'like', `${dataset.id}.sweep-%`).executeTakeFirst(), 15_000, 'a sweep job');
    await sweeper.stop();
    expect(job.id.startsWith(`${dataset.id}.sweep-`)).toBe(true);
  });
});
