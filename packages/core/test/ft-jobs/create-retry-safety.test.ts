/**
 * Issue #16, section 5: a create that reached the provider but answered 5xx must not become a
 * second provider job, and a transient failure must not lock the job out of its own retry. Run
 * against every HTTP provider adapter through stubs of the providers' published shapes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext } from '@ftm/test-support/fixtures';
import { makeDeps, seedDataset } from './ft-job-test-kit.js';
import { OpenAiStub, TogetherStub } from '@ftm/test-support/provider-stubs';
import { ManualClock } from '../../src/shared/clock.js';
import { createFtJob } from '../../src/ft-jobs/create-ft-job.js';
import { submitFtJob, SubmissionBusyError } from '../../src/ft-jobs/submit-ft-job.js';
import { getFtJob } from '../../src/ft-jobs/get-ft-job.js';
import { createProviderResolver } from '../../src/adapters/provider-resolver.js';
import { togetherEndpoint } from '../../src/adapters/together/together-endpoint.js';

const noSleep = async () => {};
let t: TestDatabase;
const openai = new OpenAiStub();
const azure = new OpenAiStub({ flavour: 'azure' });
const together = new TogetherStub();
const urls = { openai: '', azure: '', together: '' };

beforeAll(async () => {
  t = await createPostgresTestDatabase();
  urls.openai = (await openai.listen()).baseUrl;
  urls.azure = (await azure.listen()).baseUrl;
  urls.together = (await together.listen()).baseUrl;
});
afterAll(async () => {
  await Promise.all([openai.close(), azure.close(), together.close()]);
  await t.dispose();
});

const cases = [
  { provider: 'openai', stub: openai, model: 'gpt-4o-mini-2024-07-18' },
  { provider: 'azure_openai', stub: azure, model: 'gpt-4o-mini-2024-07-18' },
  { provider: 'together', stub: together, model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference' },
] as const;

async function setup(provider: string, model: string) {
  const clock = new ManualClock('2026-06-01T00:00:00Z');
  const base = await makeDeps({ db: t.database.db, clock });
  const deps = {
    ...base,
    providers: createProviderResolver({
      simulated: { db: t.database.db, clock },
      openai: { defaultApiKey: openai.apiKey, baseUrl: urls.openai, sleep: noSleep },
      azureOpenai: { defaultApiKey: azure.apiKey, baseUrl: `${urls.azure}/openai`, apiVersion: '2025-04-01-preview', sleep: noSleep },
      endpoints: [togetherEndpoint({ defaultApiKey: together.apiKey, baseUrl: urls.together, sleep: noSleep })],
    }),
  };
  const tenant = await seedTenant(t.database);
  const ctx = testContext({ tenantId: tenant.tenantId, clock });
  const datasetId = await seedDataset(deps, tenant, { examples: 3, tokensPerExample: 20 });
  const job = await createFtJob(deps, ctx, { dataset_id: datasetId, base_model: model, provider, suffix: 'retry' });
  return { deps, ctx, job };
}

/** What the queue does: run the submit step again after each transient failure. */
async function submitUntilDone(deps: Awaited<ReturnType<typeof setup>>['deps'], ctx: Awaited<ReturnType<typeof setup>>['ctx'], id: string) {
  const failures: string[] = [];
  for (let delivery = 0; delivery < 5; delivery++) {
    try {
      await submitFtJob(deps, ctx, id);
      return failures;
    } catch (error) {
      failures.push((error as Error).name);
    }
  }
  return failures;
}

describe.each(cases)('create retry safety on $provider', ({ provider, stub, model }) => {
  it('ends with exactly one provider job when the create answers 500 after creating it, then 429, then 200', async () => {
    const { deps, ctx, job } = await setup(provider, model);
    const before = new Set(stub.jobs.keys());
    stub.faults.push('create', { status: 500, afterEffect: true }, { status: 429, retryAfterSec: 0 });
    const failures = await submitUntilDone(deps, ctx, job.id);
    const created = [...stub.jobs.keys()].filter((id) => !before.has(id));
    expect(created).toHaveLength(1);
    const after = await getFtJob(deps, ctx, job.id);
    expect(after).toMatchObject({ status: 'running', provider_job_id: created[0] });
    expect(failures).not.toContain('SubmissionBusyError');
    stub.faults.clear('create');
  });

  it('lets the job\'s own retry through right after a 429 or 5xx instead of "being submitted by another worker"', async () => {
    const { deps, ctx, job } = await setup(provider, model);
    stub.faults.push('upload', ...Array.from({ length: 6 }, () => ({ status: 503 })));
    await expect(submitFtJob(deps, ctx, job.id)).rejects.toThrow();
    stub.faults.clear('upload');
    const retried = await submitFtJob(deps, ctx, job.id).catch((error: unknown) => error);
    expect(retried).not.toBeInstanceOf(SubmissionBusyError);
    expect(await getFtJob(deps, ctx, job.id)).toMatchObject({ status: 'running' });
  });
});

describe('Together price estimate at submission', () => {
  it("records Together's own estimate on the submission audit row", async () => {
    const { deps, ctx, job } = await setup('together', 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference');
    await submitFtJob(deps, ctx, job.id);
    const audit = await t.database.db.selectFrom('audit_events').select(['details']).where('resource_id', '=', job.id).where('action', '=', 'ft_job.submitted').executeTakeFirstOrThrow();
    expect((audit.details as Record<string, unknown>).provider_estimated_cost_usd).toEqual(expect.any(Number));
  });

  it('fails the job before making one when Together says the account may not start it', async () => {
    const { deps, ctx, job } = await setup('together', 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference');
    const before = together.jobs.size;
    together.allowedToProceed = false;
    try {
      await submitFtJob(deps, ctx, job.id);
    } finally {
      together.allowedToProceed = true;
    }
    expect(await getFtJob(deps, ctx, job.id)).toMatchObject({ status: 'failed', error: { code: 'credit_limit_exceeded' } });
    expect(together.jobs.size).toBe(before);
  });
});
