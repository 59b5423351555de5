import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/adapters/fs/fs-blob-store.js';
import { LocalQueue } from '../../src/adapters/local-queue/local-queue.js';
import { S3BlobStore } from '../../src/adapters/s3/s3-blob-store.js';
import { runDatasetBuildJob } from '../../src/datasets/build-dataset-job.js';
import { createDataset } from '../../src/datasets/create-dataset.js';
import { createUpload } from '../../src/datasets/create-upload.js';
import type { DatasetDeps } from '../../src/datasets/dataset-deps.js';
import { getDataset } from '../../src/datasets/get-dataset.js';
import { getDatasetContent } from '../../src/datasets/get-dataset-content.js';
import { listDatasets } from '../../src/datasets/list-datasets.js';
import { rebuildDataset } from '../../src/datasets/rebuild-dataset.js';
import { LocalGovernanceEngine } from '../../src/governance/local-governance-engine.js';
import type { BlobStore } from '../../src/ports/blob-store.js';
import { ConflictError, GateDeniedError, NotFoundError, PayloadTooLargeError, ValidationError } from '../../src/shared/errors.js';
import { BuiltinSanitizer } from '../../src/sanitization/builtin-sanitizer.js';
import { createPgliteTestDatabase, createPostgresTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext, type TestServiceContext } from '@ftm/test-support/fixtures';
import { startS3Server, type TestS3Server } from '@ftm/test-support/s3-server';
import { chatFixtureJsonl, EXPECTED, plantedValues } from './support/chat-fixture.js';

async function* bytes(text: string | Uint8Array, chunk = 64 * 1024): AsyncGenerator<Uint8Array> {
  const b = typeof text === 'string' ? Buffer.from(text) : text;
  for (let i = 0; i < b.length; i += chunk) yield b.subarray(i, i + chunk);
}

async function readAll(stream: AsyncIterable<Uint8Array | string>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

interface Env {
  db: TestDatabase;
  blobs: BlobStore;
  close(): Promise<void>;
}

const environments = [
  {
    name: 'PGlite + filesystem',
    open: async (): Promise<Env> => {
      const db = await createPgliteTestDatabase();
      const root = await mkdtemp(join(tmpdir(), 'ftm-ds-'));
      return {
        db,
        blobs: new FsBlobStore({ root }),
        close: async () => {
          await db.dispose();
          await rm(root, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'PostgreSQL + S3 server',
    open: async (): Promise<Env> => {
      const db = await createPostgresTestDatabase();
      const s3: TestS3Server = await startS3Server();
      const blobs = new S3BlobStore({ bucket: s3.bucket, region: s3.region, endpoint: s3.endpoint, credentials: s3.credentials });
      return {
        db,
        blobs,
        close: async () => {
          await blobs.close();
          await s3.close();
          await db.dispose();
        },
      };
    },
  },
];

describe.each(environments)('dataset use cases on $name', ({ open }) => {
  let env: Env;
  let deps: DatasetDeps;
  let queue: LocalQueue;
  let ctx: TestServiceContext;
  let other: TestServiceContext;

  beforeAll(async () => {
    env = await open();
    queue = new LocalQueue(env.db.database);
    const governance = new LocalGovernanceEngine({
      version: 1,
      default: 'allow',
      rules: [{ id: 'no-davinci', actions: ['dataset.create'], effect: 'deny', when: { base_models: ['davinci-002'] }, reason: 'davinci is retired here' }],
    });
    deps = { db: env.db.database.db, blobs: env.blobs, queue, governance, traces: null, sanitizer: new BuiltinSanitizer() };
    const seeded = await seedTenant(env.db.database);
    ctx = testContext({ tenantId: seeded.tenantId });
    other = testContext({ tenantId: (await seedTenant(env.db.database)).tenantId });
  });
  afterAll(async () => {
    await queue.close();
    await env.close();
  });

  const build = (id: string, attempt = 1, signal?: AbortSignal) =>
    runDatasetBuildJob(deps, ctx, { tenant_id: ctx.tenantId, dataset_id: id }, { attempt, maxAttempts: 3, ...(signal ? { signal } : {}) });

  it('builds an uploaded fixture into a ready, sanitized, deduplicated file with its event and audit', async () => {
    const text = chatFixtureJsonl();
    const upload = await createUpload(deps, ctx, { body: bytes(text) });
    expect(upload.size_bytes).toBe(Buffer.byteLength(text));
    expect(upload.sha256).toBe(createHash('sha256').update(text).digest('hex'));

    const queued = await createDataset(deps, ctx, { name: 'support chats', format: 'jsonl_chat', source: { type: 'upload', upload_id: upload.id } });
    expect(queued).toMatchObject({ status: 'queued', version: 1, sanitized: false, files: [], source: { type: 'upload', upload_id: upload.id } });
    expect(queued.governance_decision_id).toBeTruthy();
    expect((await queue.depth()).waiting).toBeGreaterThanOrEqual(1);

    await build(queued.id);
    const ready = await getDataset(deps.db, ctx, queued.id);
    expect(ready).toMatchObject({ status: 'ready', sanitized: true, record_count: EXPECTED.valid, reasons: [] });
    expect(ready.report!.records_read).toBe(EXPECTED.read);
    expect(ready.progress).toEqual({ records_read: EXPECTED.read, records_written: EXPECTED.valid, records_dropped: EXPECTED.read - EXPECTED.valid });
    expect(ready.token_estimate).toBe(ready.report!.tokens.token_estimate);

    const content = await getDatasetContent(deps, ctx, queued.id);
    const body = content.kind === 'stream' ? await readAll(content.body) : Buffer.from(await (await fetch(content.url)).arrayBuffer());
    expect(createHash('sha256').update(body).digest('hex')).toBe(ready.content_sha256);
    for (const value of plantedValues()) expect(body.toString()).not.toContain(value);

    const events = await deps.db.selectFrom('outbox_events').select('type').where('resource_id', '=', queued.id).execute();
    expect(events.map((e) => e.type)).toContain('dataset.created');
    const audits = await deps.db.selectFrom('audit_events').select('action').where('resource_id', '=', queued.id).execute();
    expect(audits.map((a) => a.action)).toEqual(expect.arrayContaining(['dataset.create', 'dataset.build_start', 'dataset.build_succeed']));
  });

  it('rebuilds the same file after a worker dies mid-build', async () => {
    const records = Array.from({ length: 400 }, (_, i) => ({
      messages: [
        { role: 'user', content: `Question ${i}: what is ${i} times ${i + 7}?` },
        { role: 'assistant', content: `${i} times ${i + 7} is ${i * (i + 7)}.` },
      ],
    }));
    const first = await createDataset(deps, ctx, { name: 'math', format: 'jsonl_chat', source: { type: 'inline', records }, dedup: { near: false } });
    // A worker killed mid-build leaves the dataset `building`; the queue hands the job out again.
    const controller = new AbortController();
    const killed = build(first.id, 1, controller.signal);
    controller.abort();
    await expect(killed).rejects.toThrow();
    expect((await getDataset(deps.db, ctx, first.id)).status).toBe('building');
    await build(first.id, 2);
    const done = await getDataset(deps.db, ctx, first.id);
    expect(done.status).toBe('ready');

    const twin = await rebuildDataset(deps, ctx, first.id);
    expect(twin).toMatchObject({ version: 2, parent_dataset_id: first.id, config_hash: first.config_hash, dataset_group_id: first.id, status: 'queued' });
    await build(twin.id);
    expect((await getDataset(deps.db, ctx, twin.id)).content_sha256).toBe(done.content_sha256);

    const versions = await listDatasets(deps.db, ctx, { dataset_group_id: first.id, limit: '1' });
    expect(versions.data.map((d) => d.version)).toEqual([2]);
    const next = await listDatasets(deps.db, ctx, { dataset_group_id: first.id, limit: '1', cursor: versions.next_cursor! });
    expect(next.data.map((d) => d.version)).toEqual([1]);
    expect(next.next_cursor).toBeNull();
  });

  it('fails a dataset with zero valid records, with reasons, a dataset.failed event and no file', async () => {
    const ds = await createDataset(deps, ctx, { name: 'junk', format: 'jsonl_chat', source: { type: 'inline', records: [{ nope: 1 }, 'text', 42] } });
    await build(ds.id);
    const failed = await getDataset(deps.db, ctx, ds.id);
    expect(failed).toMatchObject({ status: 'failed', sanitized: false, files: [], content_sha256: null, reasons: [{ code: 'no_valid_records' }] });
    await expect(getDatasetContent(deps, ctx, ds.id)).rejects.toBeInstanceOf(ConflictError);
    const events = await deps.db.selectFrom('outbox_events').select('type').where('resource_id', '=', ds.id).execute();
    expect(events.map((e) => e.type)).toContain('dataset.failed');
  });

  it('refuses a governance denial with the decision in the gate verdict, storing nothing', async () => {
    const before = (await listDatasets(deps.db, ctx, {})).data.length;
    const error = await createDataset(deps, ctx, { name: 'x', format: 'jsonl_chat', base_model: 'davinci-002', source: { type: 'inline', records: [{}] } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GateDeniedError);
    expect((error as GateDeniedError).gates[0]).toMatchObject({ gate: 'governance', verdict: 'deny', reason: expect.stringContaining('davinci is retired') });
    expect((error as GateDeniedError).gates[0]!.decisionId).toBeTruthy();
    expect((await listDatasets(deps.db, ctx, {})).data.length).toBe(before);
  });

  it('answers bad requests with 4xx errors', async () => {
    await expect(createDataset(deps, ctx, { name: 'x', format: 'jsonl_chat', source: { type: 'orchestrator_traces', filters: {} } })).rejects.toBeInstanceOf(ConflictError);
    await expect(createDataset(deps, ctx, { name: 'x', format: 'csv', source: { type: 'inline', records: [{}] } })).rejects.toBeInstanceOf(ValidationError);
    await expect(createDataset(deps, ctx, { name: 'x', format: 'jsonl_chat', base_model: 'llama-3', source: { type: 'inline', records: [{}] } })).rejects.toBeInstanceOf(ValidationError);
    const big = Array.from({ length: 11 }, () => ({ prompt: 'x'.repeat(1024 * 1024), completion: 'y' }));
    await expect(createDataset(deps, ctx, { name: 'x', format: 'jsonl_prompt_completion', source: { type: 'inline', records: big } })).rejects.toBeInstanceOf(PayloadTooLargeError);
    await expect(createDataset(deps, ctx, { name: 'x', format: 'jsonl_chat', source: { type: 'upload', upload_id: '0190a0a0-0000-7000-8000-000000000000' } })).rejects.toBeInstanceOf(ValidationError);
  });

  it('refuses empty and binary uploads and stores nothing', async () => {
    await expect(createUpload(deps, ctx, { body: bytes('') })).rejects.toBeInstanceOf(ValidationError);
    await expect(createUpload(deps, ctx, { body: bytes(new Uint8Array([0x7b, 0x22, 0x00, 0x01, 0x0a])) })).rejects.toBeInstanceOf(ValidationError);
    await expect(createUpload(deps, ctx, { body: bytes(new Uint8Array([0x7b, 0xc3, 0x28, 0x0a])) })).rejects.toBeInstanceOf(ValidationError);
    const uploads = await deps.db.selectFrom('uploads').select('id').where('tenant_id', '=', ctx.tenantId).execute();
    expect(uploads).toHaveLength(1);
  });

  it('hides another tenant’s dataset', async () => {
    const [mine] = (await listDatasets(deps.db, ctx, {})).data;
    await expect(getDataset(deps.db, other, mine!.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await listDatasets(deps.db, other, {})).data).toEqual([]);
  });
});

describe('createUpload size limit', () => {
  it('refuses a declared size over 512 MB with 413 before reading a byte', async () => {
    let read = false;
    async function* untouched(): AsyncGenerator<Uint8Array> {
      read = true;
      yield new Uint8Array([0x7b, 0x7d, 0x0a]);
    }
    // No database or storage is reached: the declared size alone decides.
    const deps = { db: null, blobs: null } as unknown as DatasetDeps;
    const ctx = testContext({ tenantId: '0190a0a0-0000-7000-8000-000000000001' });
    await expect(createUpload(deps, ctx, { body: untouched(), declaredBytes: 600 * 1024 * 1024 })).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(read).toBe(false);
  });

  it('refuses a 600 MB stream with 413 and keeps nothing', async () => {
    const db = await createPgliteTestDatabase();
    const root = await mkdtemp(join(tmpdir(), 'ftm-big-'));
    try {
      const blobs = new FsBlobStore({ root });
      const deps: DatasetDeps = {
        db: db.database.db,
        blobs,
        queue: new LocalQueue(db.database),
        governance: new LocalGovernanceEngine({ version: 1, default: 'allow', rules: [] }),
        traces: null,
        sanitizer: new BuiltinSanitizer(),
      };
      const ctx = testContext({ tenantId: (await seedTenant(db.database)).tenantId });
      const line = Buffer.from(`${JSON.stringify({ prompt: 'p'.repeat(1000), completion: 'c' })}\n`.repeat(1000));
      async function* sixHundredMb(): AsyncGenerator<Uint8Array> {
        for (let sent = 0; sent < 600 * 1024 * 1024; sent += line.length) yield line;
      }
      await expect(createUpload(deps, ctx, { body: sixHundredMb() })).rejects.toBeInstanceOf(PayloadTooLargeError);
      const keys = [];
      for await (const k of blobs.list('uploads/')) keys.push(k);
      expect(keys).toEqual([]);
      expect(await db.database.db.selectFrom('uploads').select('id').execute()).toEqual([]);
    } finally {
      await db.dispose();
      await rm(root, { recursive: true, force: true });
    }
  });
});
