import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const cli = join(root, 'packages/server/src/cli.ts');
let dataDir = '';
const running = new Set<ChildProcess>();

/** Runs the CLI from source (tsx) with FTM_* overrides; resolves once `until` matches its output. */
function ftm(args: string[], env: Record<string, string>, until?: RegExp) {
  const child = spawn(process.execPath, ['--conditions=ftm-source', '--import', 'tsx', cli, ...args], {
    cwd: root,
    env: { ...process.env, FTM_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  const exited = new Promise<number | null>((done) =>
    child.on('exit', (code) => {
      running.delete(child);
      done(code);
    }),
  );
  const ready = new Promise<string>((done, fail) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (until?.test(output)) done(output);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => (until ? fail(new Error(`ftm ${args.join(' ')} exited ${code} before ready:\n${output}`)) : done(output)));
  });
  return { child, ready, exited, output: () => output };
}

afterAll(async () => {
  for (const child of running) child.kill('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('ftm CLI', () => {
  it('starts on the embedded default, serves /healthz and /docs, prints the dev key on first start only, and stops on SIGTERM', { timeout: 300_000 }, async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ftm-cli-'));
    const env = { FTM_DATA_DIR: dataDir, FTM_PORT: '0' };

    const first = ftm(['start'], env, /listening on (http:\/\/\S+) /);
    const out = await first.ready;
    const url = /listening on (http:\/\/\S+) /.exec(out)![1]!;
    const key = /(ftm_sk_[A-Za-z0-9_-]{43})/.exec(out)?.[1];
    expect(key).toBeDefined();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const docs = await fetch(`${url}/docs`);
    expect([docs.status, docs.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    const list = await fetch(`${url}/model-versions`, { headers: { authorization: `Bearer ${key}` } });
    expect(list.status).toBe(200);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = ftm(['start'], env, /listening on (http:\/\/\S+) /);
    const again = await second.ready;
    expect(again).not.toMatch(/ftm_sk_/);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const created = ftm(['keys', 'create', '--tenant', 'default', '--role', 'member', '--name', 'ci'], env);
    expect(await created.exited).toBe(0);
    const secret = /(ftm_sk_[A-Za-z0-9_-]{43})/.exec(created.output())?.[1];
    expect(secret).toBeDefined();
    const listed = ftm(['keys', 'list', '--tenant', 'default'], env);
    expect(await listed.exited).toBe(0);
    expect(listed.output()).toContain('dev admin key');
    expect(listed.output()).not.toContain(secret!);
  });

  it('refuses a bad configuration with one line per variable', { timeout: 120_000 }, async () => {
    const run = ftm(['migrate'], { FTM_ENV: 'prod', FTM_PORT: 'x' });
    expect(await run.exited).toBe(2);
    expect(run.output()).toMatch(/FTM_PORT: /);
  });
});
