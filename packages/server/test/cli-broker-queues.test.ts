/**
 * `ftm api` and `ftm worker` as separate processes on PostgreSQL with FTM_QUEUE_TYPE=rabbit and
 * =sqs: a dataset created over HTTP is built by the worker process, and `ftm queue-replay` (its
 * command, in this process) puts a dead letter back on the broker for the worker to run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createFtm, FsBlobStore, openPostgres, openQueue } from '@ftm/core';
import { createPostgresTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { queueReplayCommand } from '../src/commands/admin.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/http/logger.js';
import { startSqsEmulator, TEST_RABBIT_URL, TEST_SQS_CREDENTIALS, waitFor } from '../../core/test/queue/queue-harness.js';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const cli = join(root, 'packages/server/src/cli.ts');
const running = new Set<ChildProcess>();
const cleanups: (() => Promise<void>)[] = [];

/** Runs the CLI from source with `env`; `ready` resolves once `until` matches its output. */
function ftm(args: string[], env: Record<string, string>, until?: RegExp) {
  const child = spawn(process.execPath, ['--conditions=ftm-source', '--import', 'tsx', cli, ...args], {
    cwd: root,
    env: { ...process.env, FTM_LOG_LEVEL: 'warn', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
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
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

/** A tenant, project and admin key in the database, as `ftm start` would create them. */
async function adminKey(t: TestDatabase, blobRoot: string): Promise<string> {
  const database = openPostgres({ connectionString: t.url! });
  const bootstrap = createFtm({ database, blobs: new FsBlobStore({ root: blobRoot }), queue: openQueue({ type: 'local', database }) });
  try {
    const boot = await bootstrap.auth.ensureBootstrap();
    if (!boot.created) throw new Error('the test database already had a tenant');
    return boot.adminKey.secret;
  } finally {
    await bootstrap.close();
  }
}

const records = Array.from({ length: 20 }, (_, i) => ({
  messages: [
    { role: 'user', content: `What is ${i} + ${i}?` },
    { role: 'assistant', content: `${i} + ${i} = ${2 * i}.` },
  ],
}));

describe.each(['rabbit', 'sqs'] as const)('ftm api + ftm worker on PostgreSQL with FTM_QUEUE_TYPE=%s', (type) => {
  it('builds a dataset created over HTTP in the worker process, and replays a dead letter with the queue-replay command', { timeout: 300_000 }, async () => {
    const t = await createPostgresTestDatabase();
    cleanups.push(() => t.dispose());
    const blobRoot = await mkdtemp(join(tmpdir(), `ftm-e2e-${type}-`));
    cleanups.push(() => rm(blobRoot, { recursive: true, force: true }));
    let queueUrl = TEST_RABBIT_URL;
    if (type === 'sqs') {
      const emulator = await startSqsEmulator();
      cleanups.push(emulator.stop);
      queueUrl = emulator.url;
    }
    const prefix = `ftm-e2e-${randomBytes(5).toString('hex')}`;
    const env = {
      FTM_DATABASE_URL: t.url!,
      FTM_STORAGE_URI: `file:${blobRoot}`,
      FTM_QUEUE_TYPE: type,
      FTM_QUEUE_URL: queueUrl,
      FTM_QUEUE_PREFIX: prefix,
      FTM_PORT: '0',
      // The SQS emulator takes any credentials; the AWS SDK wants some.
      AWS_ACCESS_KEY_ID: TEST_SQS_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_SQS_CREDENTIALS.secretAccessKey,
    };
    const key = await adminKey(t, blobRoot);
    const api = ftm(['api'], env, /listening on (http:\/\/\S+) /);
    const worker = ftm(['worker'], env, /FTM worker running/);
    const [apiOut] = await Promise.all([api.ready, worker.ready]);
    const url = /listening on (http:\/\/\S+) /.exec(apiOut)![1]!;
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };

    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { queue: { status: 'ok' } } });

    const created = await fetch(`${url}/datasets`, {
      method: 'POST',
      headers: { ...headers, 'idempotency-key': `e2e-${type}` },
      body: JSON.stringify({ name: `built over ${type}`, format: 'jsonl_chat', source: { type: 'inline', records } }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const built = await waitFor(
      async () => {
        const dataset = (await (await fetch(`${url}/datasets/${id}`, { headers })).json()) as { status: string };
        return dataset.status === 'ready' || dataset.status === 'failed' ? dataset : undefined;
      },
      120_000,
      `the worker to build the dataset (worker output: ${worker.output()})`,
    );
    expect(built).toMatchObject({ status: 'ready', record_count: 20, report: { records_read: 20, records_written: 20 } });

    // A dead letter of a job the worker runs: the fine-tuning sweep (it has nothing to sweep here).
    const deadAt = new Date();
    await t.database.db
      .insertInto('broker_jobs')
      .values({
        queue: prefix,
        id: 'e2e-dead-1',
        name: 'ft_job.sweep',
        status: 'dead_letter',
        token: 'e2e',
        payload: '{}',
        attempt: 3,
        max_attempts: 3,
        backoff_ms: 10,
        last_error: 'Error: planted',
        failed_at: deadAt,
      })
      .execute();
    // The `ftm queue-replay` command, run in this process (a third process start would only cost time).
    const lines: string[] = [];
    const since = new Date(deadAt.getTime() - 1_000).toISOString();
    // The AWS SDK reads its credentials from the process environment, as the CLI's would.
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY });
    try {
      await queueReplayCommand(since, loadConfig({ ...env, FTM_LOG_LEVEL: 'silent' }), createLogger({ level: 'silent' }), (line) => lines.push(line));
    } finally {
      for (const [name, value] of [
        ['AWS_ACCESS_KEY_ID', saved.id],
        ['AWS_SECRET_ACCESS_KEY', saved.secret],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    expect(lines).toEqual([`replayed 1 dead-lettered job since ${since}`]);
    await waitFor(
      async () => (await t.database.db.selectFrom('broker_jobs').select('id').where('queue', '=', prefix).where('id', '=', 'e2e-dead-1').execute()).length === 0,
      60_000,
      `the worker to run the replayed job (worker output: ${worker.output()})`,
    );

    api.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    expect(await Promise.all([api.exited, worker.exited])).toEqual([0, 0]);
    if (type === 'rabbit') {
      // The queues of this test's prefix, deleted so the shared broker keeps none.
      const { RabbitBroker } = await import('@ftm/core');
      const broker = new RabbitBroker({ url: queueUrl, prefix });
      await broker.deleteQueues(['outbox.dispatch', 'webhook.deliver', 'dataset.build', 'ft_job.submit', 'ft_job.poll', 'ft_job.sweep', 'eval.run']);
      await broker.close();
    }
  });
});
