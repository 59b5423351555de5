import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/index.js';
import { BASE, problem, testClient, useMockServer } from '../support/server.js';

const server = useMockServer();

describe('ftJobs.retarget', () => {
  it('posts the target to /ft-jobs/{id}/retarget with one Idempotency-Key across a retry, and returns the new job', async () => {
    const seen: { body: unknown; key: string | null }[] = [];
    server.use(
      http.post(`${BASE}/ft-jobs/j1/retarget`, async ({ request }) => {
        seen.push({ body: await request.json(), key: request.headers.get('idempotency-key') });
        return seen.length === 1 ? problem(503, { code: 'dependency_unavailable' }) : HttpResponse.json({ id: 'j2', provider: 'together', retargeted_from: 'j1' }, { status: 201 });
      }),
    );
    const { ftm } = testClient();
    const job = await ftm.ftJobs.retarget('j1', { provider: 'together', hyperparameters: { n_epochs: 2 } });
    expect(job).toMatchObject({ id: 'j2', retargeted_from: 'j1' });
    expect(seen.map((s) => s.body)).toEqual([
      { provider: 'together', hyperparameters: { n_epochs: 2 } },
      { provider: 'together', hyperparameters: { n_epochs: 2 } },
    ]);
    expect(seen[0]!.key).toBeTruthy();
    expect(seen[1]!.key).toBe(seen[0]!.key);
  });

  it('throws ConflictError with the problem code when the target is not configured', async () => {
    server.use(http.post(`${BASE}/ft-jobs/j1/retarget`, () => problem(409, { code: 'provider_not_configured' })));
    const error = await testClient()
      .ftm.ftJobs.retarget('j1', { provider: 'azure_openai' })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).code).toBe('provider_not_configured');
  });
});
