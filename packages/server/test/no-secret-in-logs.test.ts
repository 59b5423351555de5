import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPostgresTestDatabase, type TestDatabase } from '@ftm/test-support/databases';

// `ftm start` on PostgreSQL with every kind of secret set to a distinctive value (some through
// <NAME>_FILE), driven through start-up, authenticated and refused requests, a dependency outage
// (TRiSM unreachable during a dataset build) and shutdown, at debug level. No log line may hold
// any of the values.
const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const cli = join(root, 'packages/server/src/cli.ts');
const mark = randomBytes(6).toString('hex');
const secrets = {
  dbPassword: `dbpass-${mark}`,
  openai: `sk-openai-${mark}-abcdefghijklmnop`,
  orchestrator: `orch-key-${mark}-abcdefghijklmnop`,
  signingKey: `whsec_${Buffer.from(`signing-key-${mark}-0123456789ab`).toString('base64')}`,
  previousSigningKey: `whsec_${Buffer.from(`previous-key-${mark}-0123456789`).toString('base64')}`,
  metricsToken: `metrics-token-${mark}-0123456789abcdefghij`,
  operatorToken: `operator-token-${mark}-0123456789abcdefghij`,
  secretsKey: randomBytes(32).toString('base64'),
};

let db: TestDatabase;
let dir = '';
let server: ChildProcess | undefined;
let output = '';

beforeAll(async () => {
  db = await createPostgresTestDatabase({ migrate: false });
  dir = await mkdtemp(join(tmpdir(), 'ftm-no-secret-'));
  await writeFile(join(dir, 'signing-key'), `${secrets.signingKey}\n`);
  await writeFile(join(dir, 'operator-token'), `${secrets.operatorToken}\n`);
  const url = new URL(db.url!);
  url.password = secrets.dbPassword; // trust auth accepts any password; the URL carries it all the same
  server = spawn(process.execPath, ['--conditions=ftm-source', '--import', 'tsx', cli, 'start'], {
    cwd: root,
    env: {
      ...process.env,
      FTM_PORT: '0',
      FTM_DATA_DIR: dir,
      FTM_LOG_LEVEL: 'debug',
      FTM_DATABASE_URL: url.toString(),
      FTM_OPENAI_API_KEY: secrets.openai,
      FTM_ORCHESTRATOR_API_KEY: secrets.orchestrator,
      FTM_TRISM_URL: 'http://127.0.0.1:1',
      FTM_WEBHOOK_SIGNING_KEY_FILE: join(dir, 'signing-key'),
      FTM_WEBHOOK_PREVIOUS_SIGNING_KEYS: secrets.previousSigningKey,
      FTM_METRICS_TOKEN: secrets.metricsToken,
      FTM_OPERATOR_TOKEN_FILE: join(dir, 'operator-token'),
      FTM_SECRETS_KEY: secrets.secretsKey,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout!.on('data', (c: Buffer) => void (output += c.toString()));
  server.stderr!.on('data', (c: Buffer) => void (output += c.toString()));
});
afterAll(async () => {
  server?.kill('SIGKILL');
  await db?.dispose().catch(() => undefined);
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function until(re: RegExp, timeoutMs = 180_000): Promise<RegExpExecArray> {
  const started = Date.now();
  for (;;) {
    const m = re.exec(output);
    if (m) return m;
    if (server?.exitCode !== null && server?.exitCode !== undefined) throw new Error(`ftm start exited ${server.exitCode}:\n${output}`);
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${re}:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('secrets and log lines', () => {
  it('no log line holds a secret value, through start-up, requests, errors and shutdown', { timeout: 300_000 }, async () => {
    const url = (await until(/listening on (http:\/\/\S+) /))[1]!;
    const adminKey = (await until(/(ftm_sk_[A-Za-z0-9_-]{43})/))[1]!;
    const get = (path: string, bearer?: string) => fetch(`${url}${path}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
    const post = (path: string, body: unknown, bearer: string) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', 'idempotency-key': randomBytes(8).toString('hex') },
        body: JSON.stringify(body),
      });

    expect((await get('/healthz')).status).toBe(200);
    await get('/readyz');
    expect((await get('/metrics', secrets.metricsToken)).status).toBe(200);
    // Secrets sent where they do not belong: refused, and the refusal logged without them.
    for (const wrong of [secrets.openai, secrets.signingKey, secrets.orchestrator, secrets.metricsToken]) expect((await get('/projects', wrong)).status).toBe(401);
    expect((await get('/metrics', secrets.operatorToken)).status).toBe(401);
    expect((await post('/tenants', { name: `tenant-${mark}` }, secrets.operatorToken)).status).toBe(201);
    expect((await get('/projects', adminKey)).status).toBe(200);
    expect(
      (await fetch(`${url}/projects`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json', 'idempotency-key': 'x' }, body: '{not json' })).status,
    ).toBe(400);
    // A dataset build whose TRiSM is unreachable: retries and failures in the worker's log.
    const dataset = await post(
      '/datasets',
      {
        name: 'leaky',
        format: 'jsonl_chat',
        source: {
          type: 'inline',
          records: [
            {
              messages: [
                { role: 'user', content: 'hi' },
                { role: 'assistant', content: 'hello' },
              ],
            },
          ],
        },
      },
      adminKey,
    );
    expect([201, 202, 503]).toContain(dataset.status);
    await until(/trism|dependency|failed/i, 60_000);

    server!.kill('SIGTERM');
    await new Promise((r) => server!.once('exit', r));
    const logLines = output.split('\n').filter((l) => l.startsWith('{'));
    expect(logLines.length).toBeGreaterThan(10);
    expect(output).toContain('"level":20'); // debug lines were written and scanned too
    const leaks = logLines.flatMap((line) =>
      Object.entries(secrets)
        .filter(([, value]) => line.includes(value))
        .map(([name]) => `${name}: ${line.slice(0, 200)}`),
    );
    expect(leaks).toEqual([]);
    // The dev admin key is printed once on its own line (not a log line), never in a log line.
    expect(logLines.filter((l) => l.includes(adminKey))).toEqual([]);
  });
});
