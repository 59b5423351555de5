import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadContract } from './load-contract.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A repository with docs/openapi.yaml holding `yaml`; returns the contract path and the cache dir. */
function repo(yaml: string): { path: string; cacheDir: string } {
  const root = mkdtempSync(join(tmpdir(), 'ftm-contract-'));
  roots.push(root);
  mkdirSync(join(root, 'docs'));
  writeFileSync(join(root, 'docs', 'openapi.yaml'), yaml);
  return { path: join(root, 'docs', 'openapi.yaml'), cacheDir: join(root, 'node_modules', '.cache', 'ftm') };
}

const cacheName = (yaml: string): string => `openapi-${createHash('sha256').update(yaml).digest('hex').slice(0, 32)}.json`;

describe('loadContract', () => {
  it('parses the YAML and keeps it as JSON named by the content hash', () => {
    const yaml = 'openapi: 3.1.0\npaths:\n  /a:\n    get:\n      operationId: getA\n';
    const { path, cacheDir } = repo(yaml);
    const doc = loadContract(path);
    expect(doc).toEqual({ openapi: '3.1.0', paths: { '/a': { get: { operationId: 'getA' } } } });
    expect(readdirSync(cacheDir)).toEqual([cacheName(yaml)]);
    expect(JSON.parse(readFileSync(join(cacheDir, cacheName(yaml)), 'utf8'))).toEqual(doc);
  });

  it('reads the cached JSON of the same content instead of parsing the YAML', () => {
    const yaml = 'openapi: 3.1.0\npaths: {}\n';
    const { path, cacheDir } = repo(yaml);
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(join(cacheDir, cacheName(yaml)), JSON.stringify({ openapi: '3.1.0', paths: {}, 'x-from-cache': true }));
    expect(loadContract(path)).toMatchObject({ 'x-from-cache': true });
  });

  it('ignores a cache of other content, and a torn cache file', () => {
    const yaml = 'openapi: 3.1.0\npaths: {}\ninfo: { title: now }\n';
    const { path, cacheDir } = repo(yaml);
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(join(cacheDir, cacheName('openapi: 3.1.0\npaths: {}\n')), JSON.stringify({ stale: true }));
    writeFileSync(join(cacheDir, cacheName(yaml)), '{"openapi": "3.1');
    expect(loadContract(path)).toEqual({ openapi: '3.1.0', paths: {}, info: { title: 'now' } });
  });
});
