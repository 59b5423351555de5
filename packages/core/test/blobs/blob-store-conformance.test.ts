import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/adapters/fs/fs-blob-store.js';
import { S3BlobStore } from '../../src/adapters/s3/s3-blob-store.js';
import type { BlobStore } from '../../src/ports/blob-store.js';
import { DependencyUnavailableError, NotFoundError, PayloadTooLargeError, ValidationError } from '../../src/shared/errors.js';
import { startS3Server, type TestS3Server } from '@ftm/test-support/s3-server';
import { collect, randomChunks, readAll, sha256Hex, streamOf } from './blob-test-helpers.js';

interface AdapterUnderTest {
  readonly store: BlobStore;
  dispose(): Promise<void>;
}

interface BlobAdapter {
  readonly name: string;
  readonly keepsContentType: boolean;
  readonly presigns: boolean;
  create(): Promise<AdapterUnderTest>;
}

const adapters: readonly BlobAdapter[] = [
  {
    name: 'fs',
    keepsContentType: false,
    presigns: false,
    create: async () => {
      const root = await mkdtemp(join(tmpdir(), 'ftm-blobs-'));
      return { store: new FsBlobStore({ root }), dispose: () => rm(root, { recursive: true, force: true }) };
    },
  },
  {
    name: 's3',
    keepsContentType: true,
    presigns: true,
    create: async () => {
      const server = await startS3Server();
      const store = new S3BlobStore({ ...serverConfig(server), prefix: 'ftm-root' });
      return {
        store,
        dispose: async () => {
          await store.close();
          await server.close();
        },
      };
    },
  },
];

function serverConfig(server: TestS3Server) {
  return { bucket: server.bucket, region: server.region, endpoint: server.endpoint, credentials: server.credentials };
}

const MB = 1024 * 1024;

describe.each(adapters)('BlobStore conformance: $name', (adapter) => {
  let store: BlobStore;
  let dispose: () => Promise<void>;
  // Every test writes under its own folder so they never see each other's keys.
  let ns: string;

  beforeAll(async () => {
    ({ store, dispose } = await adapter.create());
  });
  afterAll(async () => {
    await dispose();
  });
  const folder = () => (ns = `t-${randomUUID()}`);

  it('round-trips a string as UTF-8 and reports its size and SHA-256', async () => {
    folder();
    const text = 'héllo, wörld ✓\n{"a":1}\n';
    const bytes = Buffer.from(text, 'utf8');
    const info = await store.put(`${ns}/a.jsonl`, text);
    expect(info).toEqual({ key: `${ns}/a.jsonl`, sizeBytes: bytes.byteLength, sha256: sha256Hex(bytes) });
    expect((await readAll(await store.get(`${ns}/a.jsonl`))).toString('utf8')).toBe(text);
  });

  it('round-trips raw bytes unchanged', async () => {
    folder();
    const bytes = randomBytes(4096);
    const info = await store.put(`${ns}/raw.bin`, new Uint8Array(bytes));
    expect(info.sizeBytes).toBe(4096);
    expect(info.sha256).toBe(sha256Hex(bytes));
    expect((await readAll(await store.get(`${ns}/raw.bin`))).equals(bytes)).toBe(true);
  });

  it('round-trips an async-iterable stream of chunks', async () => {
    folder();
    const chunks = [Buffer.from('line 1\n'), Buffer.alloc(0), Buffer.from('line 2\n'), randomBytes(70_000)];
    const whole = Buffer.concat(chunks);
    const info = await store.put(`${ns}/streamed.jsonl`, streamOf(chunks));
    expect(info).toEqual({ key: `${ns}/streamed.jsonl`, sizeBytes: whole.byteLength, sha256: sha256Hex(whole) });
    expect((await readAll(await store.get(`${ns}/streamed.jsonl`))).equals(whole)).toBe(true);
  });

  it('round-trips a Node Readable, such as an incoming request body', async () => {
    folder();
    const text = '{"messages":[]}\n'.repeat(5000);
    const info = await store.put(`${ns}/from-readable.jsonl`, Readable.from([Buffer.from(text)]));
    expect(info.sizeBytes).toBe(Buffer.byteLength(text));
    expect((await readAll(await store.get(`${ns}/from-readable.jsonl`))).toString()).toBe(text);
  });

  it('stores an empty stream as an empty object', async () => {
    folder();
    const info = await store.put(`${ns}/empty.jsonl`, streamOf([]));
    expect(info).toEqual({ key: `${ns}/empty.jsonl`, sizeBytes: 0, sha256: sha256Hex(new Uint8Array()) });
    expect((await readAll(await store.get(`${ns}/empty.jsonl`))).byteLength).toBe(0);
    expect(await store.head(`${ns}/empty.jsonl`)).toMatchObject({ sizeBytes: 0 });
  });

  it('streams a 12 MB put and get whose size, SHA-256 and bytes all match', async () => {
    folder();
    const chunks = randomChunks(12 * MB + 123);
    const whole = Buffer.concat(chunks);
    const info = await store.put(`${ns}/big.bin`, streamOf(chunks), { contentType: 'application/octet-stream' });
    expect(info.sizeBytes).toBe(whole.byteLength);
    expect(info.sha256).toBe(sha256Hex(whole));
    const back = await readAll(await store.get(`${ns}/big.bin`));
    expect(back.byteLength).toBe(whole.byteLength);
    expect(sha256Hex(back)).toBe(info.sha256);
    expect(back.equals(whole)).toBe(true);
    expect((await store.head(`${ns}/big.bin`))?.sizeBytes).toBe(whole.byteLength);
  });

  it('refuses a stream past maxBytes with PayloadTooLargeError and stores nothing', async () => {
    folder();
    const put = store.put(`${ns}/too-big.jsonl`, streamOf([Buffer.alloc(600, 'a'), Buffer.alloc(600, 'b')]), {
      maxBytes: 1000,
    });
    await expect(put).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(await store.head(`${ns}/too-big.jsonl`)).toBeNull();
    expect(await collect(store.list(`${ns}/`))).toEqual([]);
  });

  it('refuses an in-memory body past maxBytes and stores nothing', async () => {
    folder();
    await expect(store.put(`${ns}/too-big.txt`, 'x'.repeat(11), { maxBytes: 10 })).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(await store.head(`${ns}/too-big.txt`)).toBeNull();
  });

  it('accepts a body of exactly maxBytes', async () => {
    folder();
    const info = await store.put(`${ns}/exact.txt`, streamOf([Buffer.alloc(10, 'z')]), { maxBytes: 10 });
    expect(info.sizeBytes).toBe(10);
  });

  it('leaves the previous version untouched when a multi-part overwrite passes maxBytes', async () => {
    folder();
    const key = `${ns}/kept.bin`;
    await store.put(key, 'version one');
    // Over one S3 part (5 MiB) before the limit trips, so a multipart upload must be aborted.
    const put = store.put(key, streamOf(randomChunks(7 * MB)), { maxBytes: 6 * MB });
    await expect(put).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect((await readAll(await store.get(key))).toString()).toBe('version one');
    expect(await collect(store.list(`${ns}/`))).toEqual([key]);
  });

  it('leaves nothing when the body stream fails midway, and rethrows its error', async () => {
    folder();
    const broken = new Error('client went away');
    const put = store.put(`${ns}/broken.jsonl`, streamOf([Buffer.from('{"a":1}\n')], broken));
    await expect(put).rejects.toBe(broken);
    expect(await store.head(`${ns}/broken.jsonl`)).toBeNull();
    expect(await collect(store.list(`${ns}/`))).toEqual([]);
  });

  it('leaves nothing when the body stream fails after more than one S3 part', async () => {
    folder();
    const broken = new Error('connection reset by uploader');
    const put = store.put(`${ns}/broken-big.bin`, streamOf(randomChunks(6 * MB), broken));
    await expect(put).rejects.toBe(broken);
    expect(await store.head(`${ns}/broken-big.bin`)).toBeNull();
    await expect(store.get(`${ns}/broken-big.bin`)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('answers NotFoundError for get of a missing key', async () => {
    folder();
    await expect(store.get(`${ns}/missing.jsonl`)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('answers null for head of a missing key', async () => {
    folder();
    expect(await store.head(`${ns}/missing.jsonl`)).toBeNull();
  });

  it('reports size, and the content type where the backend keeps one, from head', async () => {
    folder();
    await store.put(`${ns}/typed.jsonl`, '{"a":1}\n', { contentType: 'application/x-ndjson' });
    const head = await store.head(`${ns}/typed.jsonl`);
    expect(head?.sizeBytes).toBe(8);
    expect(head?.contentType).toBe(adapter.keepsContentType ? 'application/x-ndjson' : undefined);
  });

  it('deletes an object, after which get is NotFoundError and head is null', async () => {
    folder();
    await store.put(`${ns}/gone.txt`, 'bye');
    await store.delete(`${ns}/gone.txt`);
    expect(await store.head(`${ns}/gone.txt`)).toBeNull();
    await expect(store.get(`${ns}/gone.txt`)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('treats deleting an absent key as success', async () => {
    folder();
    await expect(store.delete(`${ns}/never-there.txt`)).resolves.toBeUndefined();
  });

  it('deletes only the named key, not its neighbours', async () => {
    folder();
    await store.put(`${ns}/d/one`, '1');
    await store.put(`${ns}/d/two`, '2');
    await store.delete(`${ns}/d/one`);
    expect(await collect(store.list(`${ns}/`))).toEqual([`${ns}/d/two`]);
  });

  it('lists keys under a prefix in lexical order, across folders', async () => {
    folder();
    const keys = ['p/b', 'p/a/2', 'p/a-c', 'p/a/1', 'p/ab', 'p2/x', 'q'].map((k) => `${ns}/${k}`);
    for (const key of keys) await store.put(key, key);
    expect(await collect(store.list(`${ns}/p/`))).toEqual(['p/a-c', 'p/a/1', 'p/a/2', 'p/ab', 'p/b'].map((k) => `${ns}/${k}`));
    expect(await collect(store.list(`${ns}/`))).toEqual([...keys].sort());
  });

  it('lists by a prefix that ends inside a segment', async () => {
    folder();
    for (const key of ['data/v1/a', 'data/v10/b', 'data/v2/c', 'database']) await store.put(`${ns}/${key}`, 'x');
    expect(await collect(store.list(`${ns}/data/v1`))).toEqual([`${ns}/data/v1/a`, `${ns}/data/v10/b`]);
    expect(await collect(store.list(`${ns}/data`))).toEqual(['data/v1/a', 'data/v10/b', 'data/v2/c', 'database'].map((k) => `${ns}/${k}`));
  });

  it('lists nothing under an unknown prefix', async () => {
    folder();
    expect(await collect(store.list(`${ns}/nothing-here/`))).toEqual([]);
  });

  it('overwrites a key with the new content and size', async () => {
    folder();
    await store.put(`${ns}/over.txt`, 'a much longer first version');
    const info = await store.put(`${ns}/over.txt`, streamOf([Buffer.from('short')]));
    expect(info.sizeBytes).toBe(5);
    expect((await readAll(await store.get(`${ns}/over.txt`))).toString()).toBe('short');
    expect((await store.head(`${ns}/over.txt`))?.sizeBytes).toBe(5);
    expect(await collect(store.list(`${ns}/`))).toEqual([`${ns}/over.txt`]);
  });

  it('refuses keys that are not plain relative paths with ValidationError', async () => {
    for (const key of ['', '/abs', '../up', 'a/../../up', 'a//b', 'a/./b', 'a\\b', 'a/b/', 'nul\u0000byte']) {
      await expect(store.put(key, 'x'), JSON.stringify(key)).rejects.toBeInstanceOf(ValidationError);
      await expect(store.get(key), JSON.stringify(key)).rejects.toBeInstanceOf(ValidationError);
    }
  });

  it('refuses a negative maxBytes with ValidationError', async () => {
    folder();
    await expect(store.put(`${ns}/x`, 'x', { maxBytes: -1 })).rejects.toBeInstanceOf(ValidationError);
  });

  it.runIf(adapter.presigns)('presigns a GET URL that downloads the object over plain fetch', async () => {
    folder();
    const bytes = randomBytes(2048);
    await store.put(`${ns}/shared.bin`, new Uint8Array(bytes));
    const url = await store.presignGet(`${ns}/shared.bin`, 300);
    expect(url).toMatch(/^https?:\/\//);
    const response = await fetch(url as string);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it.runIf(adapter.presigns)('refuses a presign lifetime beyond seven days', async () => {
    folder();
    await expect(store.presignGet(`${ns}/x`, 8 * 24 * 3600)).rejects.toBeInstanceOf(ValidationError);
  });

  it.runIf(!adapter.presigns)('answers null from presignGet', async () => {
    folder();
    await store.put(`${ns}/local.bin`, 'x');
    expect(await store.presignGet(`${ns}/local.bin`, 300)).toBeNull();
  });

  it('passes check() when the backend is reachable', async () => {
    await expect(store.check()).resolves.toBeUndefined();
  });
});

describe('S3BlobStore when S3 is down', () => {
  it('fails check() with DependencyUnavailableError naming s3', async () => {
    const server = await startS3Server();
    const store = new S3BlobStore({ ...serverConfig(server), maxAttempts: 2 });
    try {
      await store.check();
      await server.close();
      const failure = await store.check().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(DependencyUnavailableError);
      expect((failure as DependencyUnavailableError).dependency).toBe('s3');
    } finally {
      await store.close();
      await server.close();
    }
  });

  it('fails a put with DependencyUnavailableError when S3 cannot be reached', async () => {
    const server = await startS3Server();
    const store = new S3BlobStore({ ...serverConfig(server), maxAttempts: 1 });
    try {
      await server.close();
      await expect(store.put('down/x.txt', streamOf([Buffer.from('x')]))).rejects.toBeInstanceOf(DependencyUnavailableError);
    } finally {
      await store.close();
    }
  });

  it('fails check() with DependencyUnavailableError when the bucket does not exist', async () => {
    const server = await startS3Server();
    const store = new S3BlobStore({ ...serverConfig(server), bucket: 'no-such-bucket' });
    try {
      await expect(store.check()).rejects.toBeInstanceOf(DependencyUnavailableError);
    } finally {
      await store.close();
      await server.close();
    }
  });
});
