import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEmbeddedExample, type EmbeddedExampleResult } from '../src/main.js';

describe('embedded example', () => {
  let dataDir: string;
  let result: EmbeddedExampleResult;
  const lines: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ftm-embedded-test-'));
    result = await runEmbeddedExample({ dataDir, print: (line) => lines.push(line) });
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it('registers a candidate model version in a freshly bootstrapped tenant and lists it', () => {
    expect(result.registered).toMatchObject({ name: 'support-bot', status: 'candidate', metadata: { team: 'support' } });
    expect(result.listed.map((v) => v.id)).toEqual([result.registered.id]);
    expect(lines[0]).toMatch(/^migrated: [1-9]\d* migration\(s\) applied$/);
    expect(lines).toContain(`registered ${result.registered.id} support-bot (candidate)`);
  });

  it('keeps its data in the given directory: PGlite under db/, blobs under blobs/', async () => {
    expect((await readdir(dataDir)).sort()).toEqual(['blobs', 'db']);
    expect((await readdir(join(dataDir, 'db'))).length).toBeGreaterThan(0);
  });

  it('refuses to bootstrap over an existing database instead of mixing tenants', async () => {
    await expect(runEmbeddedExample({ dataDir, print: () => {} })).rejects.toThrow(/already holds an FTM database/);
  });
});
