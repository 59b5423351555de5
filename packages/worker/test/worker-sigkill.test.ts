import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueJob, openQueue, type Queue } from '@ftm/core';
import { createPostgresTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { startSqsEmulator, TEST_RABBIT_URL, TEST_REDIS_URL, TEST_SQS_CREDENTIALS, waitFor } from '../../core/test/queue/queue-harness.js';
import { applyEffectJob, SIGKILL_TABLES_SQL } from './fixtures/effect-job.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHILD_SCRIPT = fileURLToPath(new URL('./fixtures/sigkill-worker.ts', import.meta.url));

interface Child {
  readonly process: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

function spawnWorker(env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--conditions=ftm-source', '--import', 'tsx', CHILD_SCRIPT], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { process: child, exited, output: () => output };
}

describe.each(['local', 'redis', 'rabbit', 'sqs'] as const)('a %s-queue worker killed with SIGKILL in the middle of a job', (queueType) => {
  let t: TestDatabase;
  let queue: Queue;
  let queueUrl = '';
  let stopEmulator = async (): Promise<void> => {};
  const prefix = `ftm-test-sigkill-${randomBytes(6).toString('hex')}`;
  const children: Child[] = [];

  const query = <R>(text: string, params?: unknown[]) => t.database.withSession((s) => s.query<R>(text, params));
  const start = (hold: boolean): Child => {
    const child = spawnWorker({
      FTM_TEST_WORKER_DATABASE_URL: t.url!,
      FTM_TEST_WORKER_QUEUE: queueType,
      FTM_TEST_WORKER_QUEUE_URL: queueUrl,
      FTM_TEST_WORKER_PREFIX: prefix,
      FTM_TEST_WORKER_HOLD: hold ? '1' : '0',
    });
    children.push(child);
    return child;
  };

  beforeAll(async () => {
    t = await createPostgresTestDatabase();
    await t.database.withSession((s) => s.exec(SIGKILL_TABLES_SQL));
    if (queueType === 'sqs') {
      const emulator = await startSqsEmulator();
      queueUrl = emulator.url;
      stopEmulator = emulator.stop;
    } else {
      queueUrl = queueType === 'rabbit' ? TEST_RABBIT_URL : TEST_REDIS_URL;
    }
    queue = queueType === 'local' ? openQueue({ type: 'local', database: t.database }) : openQueue({ type: queueType, url: queueUrl, prefix, database: t.database, credentials: TEST_SQS_CREDENTIALS });
  });
  afterAll(async () => {
    for (const c of children) if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    if (queueType !== 'local') await (queue as Queue & { obliterate(): Promise<void> }).obliterate();
    await queue?.close();
    await stopEmulator();
    await t?.dispose();
  });

  it('loses no job: it runs again after the visibility timeout and its effect is applied once', async () => {
    const jobId = await enqueueJob(queue, applyEffectJob, { effectKey: 'effect-1' });

    const first = start(true);
    // The first attempt applied its effect and now hangs before acknowledging the job.
    await waitFor(async () => (await query<{ n: number }>('select count(*)::int as n from sigkill_effects'))[0]!.n === 1, 60_000, `the first worker to apply the effect (output: ${first.output()})`);
    first.process.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    if (queueType === 'rabbit') {
      // RabbitMQ has no lease: the dropped connection hands the job back to the queue at once.
      await waitFor(async () => (await queue.depth()).waiting === 1, 10_000, 'the job to be back in its queue');
    } else {
      // The others keep it active until its visibility timeout passes.
      expect((await queue.depth()).active).toBe(1);
    }

    const second = start(false);
    await waitFor(
      async () => {
        const depth = await queue.depth();
        const attempts = await query<{ n: number }>('select count(*)::int as n from sigkill_attempts');
        return attempts[0]!.n === 2 && depth.active === 0 && depth.waiting === 0 && depth.delayed === 0;
      },
      60_000,
      `the second worker to finish the job (output: ${second.output()})`,
    );

    const attempts = await query<{ job_id: string; attempt: number; pid: number }>('select job_id, attempt, pid from sigkill_attempts order by id');
    expect(attempts.map((a) => a.job_id)).toEqual([jobId, jobId]);
    expect(attempts.map((a) => a.pid)).toEqual([first.process.pid, second.process.pid]);
    expect(attempts[1]!.attempt).toBeGreaterThanOrEqual(2);
    expect(await query('select effect_key, applied_by_attempt from sigkill_effects')).toEqual([{ effect_key: 'effect-1', applied_by_attempt: 1 }]);
    expect(await queue.depth()).toEqual({ waiting: 0, active: 0, delayed: 0, deadLetter: 0 });
    if (queueType === 'local') {
      const [row] = await query<{ status: string; attempt: number }>('select status, attempt from job_queue where id = $1', [jobId]);
      expect(row).toEqual({ status: 'succeeded', attempt: 2 });
    }

    // A SIGTERM, unlike the SIGKILL, drains the worker and exits cleanly.
    second.process.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
  });
});
