/**
 * Acceptance: two API processes on one PostgreSQL. A swap made through one is served by the other
 * within 1 s (its resolve cache is invalidated by LISTEN/NOTIFY), and back again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFtm, FsBlobStore, openQueue, uuidv7, type Ftm } from '@ftm/core';
import { createPostgresTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext } from '@ftm/test-support/fixtures';
import { seedRun, seedSuite, seedVersion } from '../../../../core/test/promotions/support/promotion-kit.js';
import { tmpdir } from 'node:os';

const CHILD = fileURLToPath(new URL('./support/api-instance.ts', import.meta.url));

interface Instance {
  readonly child: ChildProcess;
  readonly base: string;
}

async function startInstance(databaseUrl: string): Promise<Instance> {
  const child = spawn(process.execPath, ['--conditions=ftm-source', '--import', 'tsx', CHILD], {
    env: { ...process.env, FTM_TEST_DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`API instance exited with ${code}`)));
    lines.once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
  });
  return { child, base: `http://127.0.0.1:${port}` };
}

async function stopInstance(instance: Instance | undefined): Promise<void> {
  if (!instance || instance.child.exitCode !== null) return;
  const exited = new Promise((resolve) => instance.child.once('exit', resolve));
  instance.child.kill('SIGTERM');
  await exited;
}

let t: TestDatabase;
let ftm: Ftm;
let a: Instance;
let b: Instance;
let key: string;
let versions: string[];

beforeAll(async () => {
  t = await createPostgresTestDatabase();
  ftm = createFtm({ database: t.database, blobs: new FsBlobStore({ root: tmpdir() }), queue: openQueue({ type: 'local', database: t.database }) });
  const tenant = await seedTenant(t.database);
  const ctx = testContext({ tenantId: tenant.tenantId, role: 'admin' });
  key = (await ftm.auth.createApiKey(ctx, { name: 'admin', role: 'admin' })).secret;
  const suite = await seedSuite(t.database.db, tenant.tenantId, 5);
  versions = [];
  for (let i = 0; i < 3; i++) {
    const v = await seedVersion(t.database.db, ctx);
    await seedRun(t.database.db, tenant.tenantId, suite, v, [0.9]);
    versions.push(v);
  }
  [a, b] = await Promise.all([startInstance(t.url!), startInstance(t.url!)]);
}, 120_000);
afterAll(async () => {
  await Promise.all([stopInstance(a), stopInstance(b)]);
  await ftm?.close().catch(() => undefined);
  await t?.dispose();
});

const headers = () => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': uuidv7() });

async function resolveOn(instance: Instance, assistant: string): Promise<string | null> {
  const res = await fetch(`${instance.base}/production-pointers/resolve?assistant=${assistant}`, { headers: { authorization: `Bearer ${key}` } });
  return res.status === 200 ? ((await res.json()) as { model_version_id: string }).model_version_id : null;
}

/** Polls until the instance serves `expected`; true when it did before the deadline. */
async function servesWithin(instance: Instance, assistant: string, expected: string, deadlineMs: number): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    if ((await resolveOn(instance, assistant)) === expected) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('two API processes on one PostgreSQL', () => {
  it('serve a swap made through the other within 1 s, both ways', async () => {
    const assistant = 'shared-bot';
    const promote = async (instance: Instance, version: string) => {
      const res = await fetch(`${instance.base}/promotions`, {
        method: 'POST',
        headers: headers(),
        body: JSON.stringify({ model_version_id: version, target: { type: 'assistant', value: assistant }, min_eval_score: 0.5 }),
      });
      expect(res.status).toBe(201);
      return (await res.json()) as { decision: string; pointer_id: string };
    };
    const first = await promote(a, versions[0]!);
    expect(first.decision).toBe('promoted');
    expect(await servesWithin(b, assistant, versions[0]!, 1_000)).toBe(true);
    // B now has the answer cached; A swaps.
    expect(await resolveOn(b, assistant)).toBe(versions[0]);
    await promote(a, versions[1]!);
    expect(await servesWithin(b, assistant, versions[1]!, 1_000)).toBe(true);

    // And the other way: an override through B is served by A (warm) within 1 s.
    expect(await resolveOn(a, assistant)).toBe(versions[1]);
    const override = await fetch(`${b.base}/production-pointers/${first.pointer_id}`, {
      method: 'PATCH',
      headers: headers(),
      body: JSON.stringify({ model_version_id: versions[2], notes: 'pin v3 during the incident' }),
    });
    expect(override.status).toBe(200);
    expect(await servesWithin(a, assistant, versions[2]!, 1_000)).toBe(true);
  });
});
