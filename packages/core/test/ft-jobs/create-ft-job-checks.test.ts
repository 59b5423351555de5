import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext } from '@ftm/test-support/fixtures';
import { makeDeps, seedDataset } from './ft-job-test-kit.js';
import { ManualClock } from '../../src/shared/clock.js';
import { ValidationError } from '../../src/shared/errors.js';
import { createFtJob } from '../../src/ft-jobs/create-ft-job.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createPgliteTestDatabase();
});
afterAll(async () => t.dispose());

async function setup() {
  const clock = new ManualClock('2026-06-01T00:00:00Z');
  const deps = await makeDeps({ db: t.database.db, clock });
  const tenant = await seedTenant(t.database);
  return { deps, tenant, ctx: testContext({ tenantId: tenant.tenantId, clock }) };
}

/** The field errors of the ValidationError a create throws (fails the test if it does not throw one). */
async function fieldErrorsOf(promise: Promise<unknown>): Promise<{ path: string; message: string }[]> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return [...(error as ValidationError).fieldErrors];
}

async function countJobs(tenantId: string): Promise<number> {
  const rows = await t.database.db.selectFrom('ft_jobs').select('id').where('tenant_id', '=', tenantId).execute();
  return rows.length;
}

const exactGrader = { type: 'string_check', name: 'exact', input: '{{ sample.output_text }}', reference: 'yes', operation: 'eq' };

describe('a job request is checked against the dataset format and the provider at create', () => {
  it('refuses DPO on a chat dataset with a field error naming the format DPO trains on, and stores nothing', async () => {
    const { deps, tenant, ctx } = await setup();
    const datasetId = await seedDataset(deps, tenant, { format: 'jsonl_chat' });
    const errors = await fieldErrorsOf(createFtJob(deps, ctx, { dataset_id: datasetId, base_model: 'gpt-4o-mini-2024-07-18', method: 'dpo' }));
    expect(errors).toEqual([{ path: 'dataset_id', message: expect.stringMatching(/dpo on simulated trains on jsonl_preference datasets; this dataset is jsonl_chat/) }]);
    expect(await countJobs(tenant.tenantId)).toBe(0);
  });

  it('refuses supervised training on a preference dataset', async () => {
    const { deps, tenant, ctx } = await setup();
    const datasetId = await seedDataset(deps, tenant, { format: 'jsonl_preference' });
    const errors = await fieldErrorsOf(createFtJob(deps, ctx, { dataset_id: datasetId, base_model: 'gpt-4o-mini-2024-07-18', method: 'supervised' }));
    expect(errors.map((e) => e.path)).toEqual(['dataset_id']);
  });

  it('accepts DPO on a preference dataset', async () => {
    const { deps, tenant, ctx } = await setup();
    const datasetId = await seedDataset(deps, tenant, { format: 'jsonl_preference' });
    const job = await createFtJob(deps, ctx, { dataset_id: datasetId, base_model: 'gpt-4o-mini-2024-07-18', method: 'dpo', hyperparameters: { beta: 0.2 } });
    expect(job).toMatchObject({ method: 'dpo', status: 'queued' });
  });

  it('refuses a reinforcement grader that reads a field the dataset records do not have, naming where it reads it', async () => {
    const { deps, tenant, ctx } = await setup();
    const datasetId = await seedDataset(deps, tenant, { format: 'jsonl_chat' });
    const grader = { type: 'string_check', name: 'exact', input: '{{ sample.output_text }}', reference: '{{ item.reference_answer }}', operation: 'eq' };
    const errors = await fieldErrorsOf(createFtJob(deps, ctx, { dataset_id: datasetId, base_model: 'o4-mini-2025-04-16', method: 'reinforcement', grader }));
    expect(errors).toEqual([{ path: 'grader.reference', message: expect.stringContaining('reads item.reference_answer, which jsonl_chat records do not have') }]);
  });

  it('refuses a compute_multiplier above the provider limit of 10 before any gate runs', async () => {
    const { deps, tenant, ctx } = await setup();
    const datasetId = await seedDataset(deps, tenant);
    const errors = await fieldErrorsOf(
      createFtJob(deps, ctx, { dataset_id: datasetId, base_model: 'o4-mini-2025-04-16', method: 'reinforcement', grader: exactGrader, hyperparameters: { compute_multiplier: 50 } }),
    );
    expect(errors).toEqual([{ path: 'hyperparameters.compute_multiplier', message: expect.stringContaining('at most 10') }]);
    expect(await countJobs(tenant.tenantId)).toBe(0);
  });

  it('accepts eval_interval and eval_samples, which the provider capabilities advertise for reinforcement', async () => {
    const { deps, tenant, ctx } = await setup();
    const datasetId = await seedDataset(deps, tenant);
    expect((await deps.providers.resolve('simulated', { tenantId: tenant.tenantId, projectId: null })).capabilities().hyperparameters.reinforcement).toEqual(
      expect.arrayContaining(['eval_interval', 'eval_samples']),
    );
    const job = await createFtJob(deps, ctx, {
      dataset_id: datasetId,
      base_model: 'o4-mini-2025-04-16',
      method: 'reinforcement',
      grader: exactGrader,
      hyperparameters: { eval_interval: 5, eval_samples: 2, compute_multiplier: 10 },
    });
    expect(job.hyperparameters).toMatchObject({ eval_interval: 5, eval_samples: 2, compute_multiplier: 10 });
  });

  it('refuses a hyperparameter the provider does not take for the method', async () => {
    const { deps, tenant, ctx } = await setup();
    const datasetId = await seedDataset(deps, tenant);
    const errors = await fieldErrorsOf(createFtJob(deps, ctx, { dataset_id: datasetId, base_model: 'gpt-4o-mini-2024-07-18', hyperparameters: { warmup_ratio: 0.1 } }));
    expect(errors).toEqual([{ path: 'hyperparameters.warmup_ratio', message: expect.stringContaining('simulated does not take warmup_ratio for supervised') }]);
  });

  it('refuses a base model the provider does not train with the method', async () => {
    const { deps, tenant, ctx } = await setup();
    const datasetId = await seedDataset(deps, tenant, { format: 'jsonl_preference' });
    const errors = await fieldErrorsOf(createFtJob(deps, ctx, { dataset_id: datasetId, base_model: 'gpt-3.5-turbo-0125', method: 'dpo' }));
    expect(errors).toEqual([{ path: 'base_model', message: expect.stringContaining('trains gpt-3.5-turbo-0125 with supervised, not dpo') }]);
  });
});
