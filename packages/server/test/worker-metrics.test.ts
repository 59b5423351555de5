/**
 * `ftm worker` with FTM_WORKER_METRICS_PORT: a real worker process (PostgreSQL, local queue)
 * serves its own /metrics behind FTM_METRICS_TOKEN and /healthz, and a job it ran shows up there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQueue, type Queue } from '@ftm/core';
import { createPostgresTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { waitFor } from '../../core/test/queue/queue-harness.js';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const cli = join(root, 'packages/server/src/cli.ts');
const TOKEN = 'worker-metrics-test-token-0123456789abcdef';

let t: TestDatabase;
let blobRoot: string;
let worker: ChildProcess | undefined;
let queue: Queue | undefined;
let url: string;

beforeAll(async () => {
  t = await createPostgresTestDatabase();
  blobRoot = await mkdtemp(join(tmpdir(), 'ftm-worker-metrics-'));
  worker = spawn(process.execPath, ['--conditions=ftm-source', '--import', 'tsx', cli, 'worker'], {
    cwd: root,
    env: { ...process.env, FTM_LOG_LEVEL: 'warn', FTM_DATABASE_URL: t.url!, FTM_STORAGE_URI: `file:${blobRoot}`, FTM_WORKER_METRICS_PORT: '0', FTM_METRICS_TOKEN: TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  url = await new Promise<string>((done, fail) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /FTM worker metrics on (http:\/\/\S+)\/metrics/.exec(output);
      if (found && output.includes('FTM worker running')) done(found[1]!);
    };
    worker!.stdout!.on('data', onData);
    worker!.stderr!.on('data', onData);
    worker!.once('exit', (code) => fail(new Error(`ftm worker exited ${code} before it was ready:\n${output}`)));
  });
  queue = openQueue({ type: 'local', database: t.database });
}, 60_000);

afterAll(async () => {
  if (worker && worker.exitCode === null) {
    const exited = new Promise((r) => worker!.once('exit', r));
    worker.kill('SIGTERM');
    await exited;
  }
  await queue?.close();
  await t?.dispose();
  if (blobRoot) await rm(blobRoot, { recursive: true, force: true });
});

describe('ftm worker with FTM_WORKER_METRICS_PORT', () => {
  it('answers /healthz', async () => {
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('refuses a scrape without the metrics token, or with another one, with problem+json', async () => {
    for (const headers of [{}, { authorization: 'Bearer not-the-token' }] as Record<string, string>[]) {
      const res = await fetch(`${url}/metrics`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await res.json()).toMatchObject({ status: 401, code: 'unauthorized' });
    }
  });

  it('serves the worker process metrics: a job it ran, the queue depth, provider calls and process metrics', { timeout: 60_000 }, async () => {
    await queue!.enqueue('ft_job.sweep', {});
    const scrape = await waitFor(
      async () => {
        const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
        expect(res.status).toBe(200);
        const body = await res.text();
        return /^ftm_job_duration_seconds_count\{job_name="ft_job\.sweep",outcome="succeeded"\} [1-9]/m.test(body) ? body : undefined;
      },
      30_000,
      'the worker to report the job it ran',
    );
    expect(scrape).toMatch(/^ftm_queue_jobs\{state="waiting"\} \d+/m);
    expect(scrape).toMatch(/^ftm_metrics_collector_up\{collector="queue_depth"\} 1/m);
    expect(scrape).toContain('# TYPE ftm_provider_requests_total counter');
    expect(scrape).toMatch(/^process_resident_memory_bytes \d+/m);
  });
});
