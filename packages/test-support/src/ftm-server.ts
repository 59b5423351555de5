import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** The server CLI, run from source as the repository's scripts do. */
export const FTM_CLI = join(ROOT, 'packages/server/src/cli.ts');
const KEY_RE = /ftm_sk_[A-Za-z0-9_-]{43}/;

/** A running `ftm start`. */
export interface FtmServer {
  readonly baseUrl: string;
  /** The admin key `ftm start` printed on its first start. */
  readonly apiKey: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/**
 * Starts `ftm start` (API + worker, PGlite, simulated provider) from source on a free port with a
 * temporary data directory, and waits for its key and `/healthz`.
 */
export async function startFtmServer(env: Record<string, string> = {}): Promise<FtmServer> {
  if (!existsSync(FTM_CLI)) throw new Error(`no server CLI at ${FTM_CLI}`);
  const dataDir = await mkdtemp(join(tmpdir(), 'ftm-sdk-server-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--conditions=ftm-source', '--import', 'tsx', FTM_CLI, 'start'], {
    cwd: ROOT,
    env: { ...process.env, FTM_DATA_DIR: dataDir, FTM_PORT: String(port), FTM_ENV: 'dev', FTM_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async () => {
    await stopChild(child);
    await rm(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 110_000;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`ftm start exited with ${child.exitCode}:\n${output}`);
      const key = KEY_RE.exec(output)?.[0];
      const healthy = await fetch(`${baseUrl}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (key && healthy) return { baseUrl, apiKey: key, stop };
      if (Date.now() > deadline) throw new Error(`ftm start did not print a key and answer /healthz in time:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch (error) {
    await stop();
    throw error;
  }
}
