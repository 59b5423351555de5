import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { acquireDataDirLock, DataDirLockedError } from '../src/runtime/data-dir-lock.js';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const cli = join(root, 'packages/server/src/cli.ts');
const dirs: string[] = [];
const running = new Set<ChildProcess>();

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ftm-lock-'));
  dirs.push(dir);
  return dir;
}

/** The pid of a process that has exited: a crashed owner. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

afterAll(async () => {
  for (const child of running) child.kill('SIGKILL');
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('the embedded data directory lock', () => {
  it('is held by one owner at a time, with its pid, and released on close', async () => {
    const dir = await tempDir();
    const lock = acquireDataDirLock(dir, 'start');
    expect(JSON.parse(readFileSync(join(dir, 'ftm.lock'), 'utf8'))).toMatchObject({ pid: process.pid, command: 'start' });
    lock.announce('http://localhost:18401');
    let refused: unknown;
    try {
      acquireDataDirLock(dir, 'keys create');
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(DataDirLockedError);
    const message = (refused as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toContain(`in use by \`ftm start\` (pid ${process.pid}, http://localhost:18401)`);
    expect(message).toContain('POST http://localhost:18401/api-keys');
    lock.release();
    expect(existsSync(join(dir, 'ftm.lock'))).toBe(false);
    acquireDataDirLock(dir, 'keys create').release();
  });

  it('takes over the stale lock of an owner that died', async () => {
    const dir = await tempDir();
    writeFileSync(join(dir, 'ftm.lock'), JSON.stringify({ pid: deadPid(), command: 'start', startedAt: '2026-12-01T00:00:00Z' }));
    const lock = acquireDataDirLock(dir, 'migrate');
    expect(JSON.parse(readFileSync(join(dir, 'ftm.lock'), 'utf8'))).toMatchObject({ pid: process.pid, command: 'migrate' });
    lock.release();
  });

  it('takes over a lock file that is not a lock (a crash while it was written)', async () => {
    const dir = await tempDir();
    writeFileSync(join(dir, 'ftm.lock'), '{"pid":');
    acquireDataDirLock(dir, 'start').release();
  });
});

describe('ftm commands against a running embedded server', () => {
  let dataDir = '';
  beforeAll(async () => {
    dataDir = await tempDir();
  });

  function ftm(args: string[], until?: RegExp): { child: ChildProcess; done: Promise<{ code: number | null; output: string }> } {
    const child = spawn(process.execPath, ['--conditions=ftm-source', '--import', 'tsx', cli, ...args], {
      cwd: root,
      env: { ...process.env, FTM_DATA_DIR: dataDir, FTM_PORT: '0', FTM_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let output = '';
    const done = new Promise<{ code: number | null; output: string }>((finish) => {
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (until?.test(output)) finish({ code: null, output });
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.on('exit', (code) => {
        running.delete(child);
        finish({ code, output });
      });
    });
    return { child, done };
  }

  it('refuses `ftm keys create` with one line naming the server and how to do it over HTTP, then works once the server is gone (SIGKILL)', { timeout: 240_000 }, async () => {
    const server = ftm(['start'], /listening on (http:\/\/\S+) /);
    const started = await server.done;
    const url = /listening on (http:\/\/\S+) /.exec(started.output)![1]!;

    const refused = await ftm(['keys', 'create', '--name', 'while-running']).done;
    expect(refused.code).toBe(1);
    const lines = refused.output.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`in use by \`ftm start\` (pid ${server.child.pid}, ${url})`);
    expect(lines[0]).toContain(`POST ${url}/api-keys`);

    // A crash leaves the lock behind; the next command sees its owner is dead and takes over.
    server.child.kill('SIGKILL');
    await server.done.then(() => new Promise((r) => server.child.once('exit', r)).catch(() => undefined));
    expect(existsSync(join(dataDir, 'ftm.lock'))).toBe(true);
    const created = await ftm(['keys', 'create', '--name', 'after-crash']).done;
    expect(created.output).toMatch(/created member key/);
    expect(created.code).toBe(0);
    expect(existsSync(join(dataDir, 'ftm.lock'))).toBe(false);
  });
});
