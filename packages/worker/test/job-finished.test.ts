import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NotFoundError, silentLogger, UnrecoverableError, type QueueJob } from '@ftm/core';
import { defineJob } from '@ftm/core';
import { toQueueHandler, type JobFinished } from '../src/run-job.js';

const echoJob = defineJob({ name: 'test.echo', schema: z.object({ n: z.number() }), retry: { maxAttempts: 3, backoffMs: 10 } });
const job: QueueJob = { id: 'j1', name: 'test.echo', payload: { n: 1 }, attempt: 1, maxAttempts: 3 };
const signal = new AbortController().signal;

async function finish(handler: () => Promise<void>, onFinished: (e: JobFinished) => void = () => {}): Promise<JobFinished[]> {
  const seen: JobFinished[] = [];
  const run = toQueueHandler(echoJob, handler, silentLogger, (e) => {
    seen.push(e);
    onFinished(e);
  });
  await run(job, signal).catch(() => undefined);
  return seen;
}

describe('onJobFinished', () => {
  it('reports a succeeded attempt with its job name and a duration', async () => {
    const [event] = await finish(async () => {});
    expect(event).toMatchObject({ name: 'test.echo', outcome: 'succeeded' });
    expect(event!.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('reports a retryable failure as failed and a domain error as unrecoverable', async () => {
    expect((await finish(async () => Promise.reject(new Error('socket hang up'))))[0]?.outcome).toBe('failed');
    expect((await finish(async () => Promise.reject(new NotFoundError('dataset', 'x'))))[0]?.outcome).toBe('unrecoverable');
  });

  it('does not let a throwing observer change what happened to the job', async () => {
    const run = toQueueHandler(
      echoJob,
      async () => {},
      silentLogger,
      () => {
        throw new Error('observer bug');
      },
    );
    await expect(run(job, signal)).resolves.toBeUndefined();
    const failing = toQueueHandler(
      echoJob,
      async () => Promise.reject(new NotFoundError('dataset', 'x')),
      silentLogger,
      () => {
        throw new Error('observer bug');
      },
    );
    await expect(failing(job, signal)).rejects.toBeInstanceOf(UnrecoverableError);
  });
});
