import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/adapters/fs/fs-blob-store.js';
import { ConflictError, PayloadTooLargeError, ValidationError } from '../../src/shared/errors.js';
import { collect, readAll, streamOf } from './blob-test-helpers.js';

describe('FsBlobStore on the local filesystem', () => {
  let parent: string;
  let root: string;
  let store: FsBlobStore;

  beforeAll(async () => {
    parent = await mkdtemp(join(tmpdir(), 'ftm-fs-blobs-'));
    root = join(parent, 'root');
    store = new FsBlobStore({ root });
  });
  afterAll(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  const escapingKeys = ['../outside.txt', 'a/../../outside.txt', '/etc/ftm-outside.txt', '..\\outside.txt', 'a\\..\\..\\x', './x', 'a//b', 'a/'];

  it.each(escapingKeys)('refuses the escaping key %j on every operation', async (key) => {
    await expect(store.put(key, 'x')).rejects.toBeInstanceOf(ValidationError);
    await expect(store.get(key)).rejects.toBeInstanceOf(ValidationError);
    await expect(store.head(key)).rejects.toBeInstanceOf(ValidationError);
    await expect(store.delete(key)).rejects.toBeInstanceOf(ValidationError);
    await expect(store.presignGet(key, 60)).rejects.toBeInstanceOf(ValidationError);
  });

  it('writes nothing outside its root when given escaping keys', async () => {
    for (const key of escapingKeys) await store.put(key, 'x').catch(() => undefined);
    expect((await readdir(parent)).filter((name) => name !== 'root')).toEqual([]);
  });

  it('refuses list prefixes that climb out of the root', async () => {
    await expect(collect(store.list('../'))).rejects.toBeInstanceOf(ValidationError);
    await expect(collect(store.list('a/../../'))).rejects.toBeInstanceOf(ValidationError);
  });

  it('reserves its temp folder name for itself', async () => {
    await expect(store.put('.ftm-tmp/x', 'x')).rejects.toBeInstanceOf(ValidationError);
  });

  it('keeps no temp files after successful, oversized and broken puts', async () => {
    await store.put('clean/ok.txt', streamOf([Buffer.from('ok')]));
    await store.put('clean/big.txt', streamOf([Buffer.alloc(64)]), { maxBytes: 8 }).catch(() => undefined);
    await store.put('clean/broken.txt', streamOf([Buffer.from('x')], new Error('boom'))).catch(() => undefined);
    expect(await readdir(join(root, '.ftm-tmp'))).toEqual([]);
    expect(await collect(store.list('clean/'))).toEqual(['clean/ok.txt']);
  });

  it('never lists its temp folder', async () => {
    await store.put('visible.txt', 'x');
    expect(await collect(store.list(''))).not.toContainEqual(expect.stringContaining('.ftm-tmp'));
  });

  it('refuses a key whose folder is already an object with ConflictError', async () => {
    await store.put('clash/leaf', 'object');
    await expect(store.put('clash/leaf/child', 'x')).rejects.toBeInstanceOf(ConflictError);
    expect((await readAll(await store.get('clash/leaf'))).toString()).toBe('object');
  });

  it('refuses a key that is already a folder of other keys with ConflictError', async () => {
    await store.put('folder/inner/x', 'x');
    await expect(store.put('folder/inner', 'y')).rejects.toBeInstanceOf(ConflictError);
    expect(await store.head('folder/inner')).toBeNull();
  });

  it('removes folders left empty by a delete, and keeps the root', async () => {
    await store.put('prune/a/b/c.txt', 'x');
    await store.delete('prune/a/b/c.txt');
    expect(await readdir(root)).not.toContain('prune');
    await store.put('prune/a/b/c.txt', 'again');
    expect((await readAll(await store.get('prune/a/b/c.txt'))).toString()).toBe('again');
  });

  it('keeps exactly one whole version when puts of one key race', async () => {
    const versions = ['a', 'b', 'c', 'd'].map((letter) => letter.repeat(100_000));
    await Promise.all(versions.map((body) => store.put('race/key.txt', streamOf([Buffer.from(body)]))));
    expect(versions).toContain((await readAll(await store.get('race/key.txt'))).toString());
  });

  it('opens a root given as a file: URL', async () => {
    const viaUrl = new FsBlobStore({ root: pathToFileURL(root) });
    expect(viaUrl.root).toBe(root);
    await store.put('shared/one.txt', 'one');
    expect((await readAll(await viaUrl.get('shared/one.txt'))).toString()).toBe('one');
  });

  it('answers null from head for a folder of other keys', async () => {
    await store.put('nested/inside.txt', 'x');
    expect(await store.head('nested')).toBeNull();
  });

  it('refuses an in-memory body past maxBytes without creating its folder', async () => {
    await expect(store.put('never/made.txt', 'x'.repeat(9), { maxBytes: 8 })).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(await readdir(root)).not.toContain('never');
  });

  it('fails check() when the root cannot be created', async () => {
    const blocker = join(parent, 'a-file');
    await writeFile(blocker, 'x');
    const broken = new FsBlobStore({ root: join(blocker, 'blobs') });
    await expect(broken.check()).rejects.toMatchObject({ name: 'DependencyUnavailableError' });
  });
});
