import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/adapters/fs/fs-blob-store.js';
import { openBlobStore } from '../../src/adapters/open-blob-store.js';
import { S3BlobStore } from '../../src/adapters/s3/s3-blob-store.js';
import { ValidationError } from '../../src/shared/errors.js';
import { startS3Server, type TestS3Server } from '@ftm/test-support/s3-server';
import { collect, readAll } from './blob-test-helpers.js';

describe('openBlobStore', () => {
  it('opens an FsBlobStore for file:///absolute/path', () => {
    const store = openBlobStore('file:///var/lib/ftm/blobs');
    expect(store).toBeInstanceOf(FsBlobStore);
    expect((store as FsBlobStore).root).toBe('/var/lib/ftm/blobs');
  });

  it('opens an FsBlobStore relative to the working directory for file:relative/path', () => {
    const store = openBlobStore('file:.ftm/blobs');
    expect((store as FsBlobStore).root).toBe(resolve('.ftm/blobs'));
  });

  it('decodes percent-escapes in file URIs', () => {
    const store = openBlobStore('file:///srv/my%20blobs');
    expect((store as FsBlobStore).root).toBe('/srv/my blobs');
  });

  it('opens an S3BlobStore for s3://bucket/prefix with the prefix as a folder', () => {
    const store = openBlobStore('s3://ftm-data/prod/blobs/', { region: 'eu-west-1' });
    expect(store).toBeInstanceOf(S3BlobStore);
    expect((store as S3BlobStore).bucket).toBe('ftm-data');
    expect((store as S3BlobStore).prefix).toBe('prod/blobs/');
  });

  it('opens an S3BlobStore at the bucket root for s3://bucket', () => {
    const store = openBlobStore('s3://ftm-data');
    expect((store as S3BlobStore).prefix).toBe('');
  });

  it.each([
    ['an unknown scheme', 'http://example.com/blobs'],
    ['a bare path', '/var/lib/ftm'],
    ['an empty string', ''],
    ['an invalid bucket name', 's3://Not_A_Bucket/x'],
    ['a missing bucket', 's3:///prefix'],
    ['a prefix that climbs', 's3://ftm-data/a/../../b'],
    ['a remote file host', 'file://fileserver/share'],
    ['an empty relative path', 'file:'],
  ])('refuses %s with a ValidationError naming FTM_STORAGE_URI', (_label, uri) => {
    expect(() => openBlobStore(uri)).toThrow(ValidationError);
    expect(() => openBlobStore(uri)).toThrow(/FTM_STORAGE_URI/);
  });

  it('refuses an endpoint that is not an http(s) URL, naming FTM_STORAGE_ENDPOINT', () => {
    expect(() => openBlobStore('s3://ftm-data', { endpoint: 'minio:9000' })).toThrow(/FTM_STORAGE_ENDPOINT/);
  });

  describe('end to end', () => {
    let server: TestS3Server;
    let dir: string;

    beforeAll(async () => {
      server = await startS3Server();
      dir = await mkdtemp(join(tmpdir(), 'ftm-open-blobs-'));
    });
    afterAll(async () => {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('stores and lists objects under the URI prefix on an S3-compatible endpoint', async () => {
      const store = openBlobStore(`s3://${server.bucket}/tenant-a`, {
        endpoint: server.endpoint,
        credentials: server.credentials,
      });
      const other = openBlobStore(`s3://${server.bucket}/tenant-b`, {
        endpoint: server.endpoint,
        credentials: server.credentials,
      });
      try {
        await store.put('datasets/x.jsonl', '{"a":1}\n');
        expect((await readAll(await store.get('datasets/x.jsonl'))).toString()).toBe('{"a":1}\n');
        expect(await collect(store.list(''))).toEqual(['datasets/x.jsonl']);
        expect(await collect(other.list(''))).toEqual([]);
      } finally {
        await store.close();
        await other.close();
      }
    });

    it('stores objects under the folder a file:// URI names', async () => {
      const store = openBlobStore(pathToFileURL(dir).href);
      await store.put('a/b.txt', 'hello');
      const again = new FsBlobStore({ root: dir });
      expect((await readAll(await again.get('a/b.txt'))).toString()).toBe('hello');
    });
  });
});
