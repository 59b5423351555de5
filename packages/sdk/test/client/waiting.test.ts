import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { ApiTimeoutError, ApiUserAbortError, NotFoundError } from '../../src/index.js';
import { BASE, problem, testClient, useMockServer } from '../support/server.js';

const server = useMockServer();

function statuses(path: string, sequence: string[]) {
  let calls = 0;
  server.use(http.get(`${BASE}${path}`, () => HttpResponse.json({ id: 'x', status: sequence[Math.min(calls++, sequence.length - 1)] })));
  return () => calls;
}

describe('waitUntilDone', () => {
  it('polls a fine-tuning job until it reaches a terminal status', async () => {
    const calls = statuses('/ft-jobs/x', ['queued', 'submitting', 'running', 'completed']);
    const job = await testClient().ftm.ftJobs.waitUntilDone('x', { pollIntervalMs: 1, maxPollIntervalMs: 2 });
    expect(job.status).toBe('completed');
    expect(calls()).toBe(4);
  });

  it.each(['ready', 'blocked', 'failed'])('stops on dataset status %s', async (status) => {
    statuses('/datasets/x', ['queued', 'building', status]);
    await expect(testClient().ftm.datasets.waitUntilDone('x', { pollIntervalMs: 1 })).resolves.toMatchObject({ status });
  });

  it.each(['completed', 'failed', 'canceled', 'stopped'])('stops on eval run status %s', async (status) => {
    statuses('/eval-runs/x', ['running', status]);
    await expect(testClient().ftm.evalRuns.waitUntilDone('x', { pollIntervalMs: 1 })).resolves.toMatchObject({ status });
  });

  it('treats awaiting_approval as still in progress', async () => {
    const calls = statuses('/ft-jobs/x', ['awaiting_approval', 'awaiting_approval', 'blocked']);
    await expect(testClient().ftm.ftJobs.waitUntilDone('x', { pollIntervalMs: 1 })).resolves.toMatchObject({ status: 'blocked' });
    expect(calls()).toBe(3);
  });

  it('throws ApiTimeoutError when the deadline passes first', async () => {
    statuses('/ft-jobs/x', ['running']);
    await expect(testClient().ftm.ftJobs.waitUntilDone('x', { pollIntervalMs: 5, timeoutMs: 40 })).rejects.toBeInstanceOf(ApiTimeoutError);
  });

  it('throws ApiUserAbortError when the caller aborts', async () => {
    statuses('/ft-jobs/x', ['running']);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    await expect(testClient().ftm.ftJobs.waitUntilDone('x', { pollIntervalMs: 5, signal: controller.signal })).rejects.toBeInstanceOf(ApiUserAbortError);
  });

  it('passes an API error through', async () => {
    server.use(http.get(`${BASE}/ft-jobs/x`, () => problem(404, { code: 'not_found' })));
    await expect(testClient().ftm.ftJobs.waitUntilDone('x', { pollIntervalMs: 1 })).rejects.toBeInstanceOf(NotFoundError);
  });
});
