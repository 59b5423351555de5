/**
 * An idempotent create cut off by an API crash (issue #18): the process dies after the state
 * change committed and before the response was stored or sent; a retry with the same key and
 * body, to the restarted API, gets the original 201 and id, not `idempotency_key_in_flight`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const cli = join(root, 'packages/server/src/cli.ts');
const running = new Set<ChildProcess>();
let dataDir = '';

/** `ftm start` from source; resolves with its URL once it listens. */
function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--conditions=ftm-source', '--import', 'tsx', cli, 'start'], {
    cwd: root,
    env: { ...process.env, FTM_LOG_LEVEL: 'warn', FTM_PORT: '0', FTM_DATA_DIR: dataDir, FTM_CONSOLE: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  const exited = new Promise<NodeJS.Signals | number | null>((done) => child.on('exit', (code, signal) => (running.delete(child), done(signal ?? code))));
  const ready = new Promise<{ url: string; output: string }>((done, fail) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (http:\/\/\S+) /.exec(output)?.[1];
      if (url) done({ url, output });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => fail(new Error(`ftm start exited ${String(code)} before listening:\n${output}`)));
  });
  return { child, ready, exited };
}

afterAll(async () => {
  for (const child of running) child.kill('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('an idempotent create cut off by an API crash', () => {
  it('answers the retry after the restart with the original 201 and id', { timeout: 240_000 }, async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ftm-idem-crash-'));
    const crashing = start({ FTM_TEST_CRASH_AFTER_COMMIT: 'POST /model-versions' });
    const { url, output } = await crashing.ready;
    const key = /(ftm_sk_[A-Za-z0-9_-]{43})/.exec(output)![1]!;
    const idempotencyKey = randomUUID();
    const body = JSON.stringify({ name: 'cut-off', provider: 'openai', provider_model_id: `ft:gpt-4o-mini:acme::${idempotencyKey}`, base_model: 'gpt-4o-mini' });
    const post = (base: string) =>
      fetch(`${base}/model-versions`, { method: 'POST', body, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': idempotencyKey } });

    await expect(post(url)).rejects.toThrow(); // the connection dies with the process
    expect(await crashing.exited).toBe('SIGKILL');

    const restarted = start({});
    const { url: url2 } = await restarted.ready;
    const retry = await post(url2);
    expect(retry.status, await retry.clone().text()).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const created = (await retry.json()) as { id: string; name: string };
    expect(created.name).toBe('cut-off');
    expect(retry.headers.get('location')).toBe(`/model-versions/${created.id}`);

    // The committed version is the only one, and later retries replay the same answer.
    const list = (await (await fetch(`${url2}/model-versions?limit=200`, { headers: { authorization: `Bearer ${key}` } })).json()) as { data: { id: string; name: string }[] };
    expect(list.data.filter((v) => v.name === 'cut-off').map((v) => v.id)).toEqual([created.id]);
    const again = await post(url2);
    expect([again.status, ((await again.json()) as { id: string }).id]).toEqual([201, created.id]);

    restarted.child.kill('SIGTERM');
    expect(await restarted.exited).toBe(0);
  });
});
