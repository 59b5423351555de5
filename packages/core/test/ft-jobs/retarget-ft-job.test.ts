import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext } from '@ftm/test-support/fixtures';
import { makeDeps, seedDataset } from './ft-job-test-kit.js';
import { ManualClock } from '../../src/shared/clock.js';
import { ConflictError, NotFoundError, ValidationError } from '../../src/shared/errors.js';
import { SimulatedFineTuneProvider } from '../../src/adapters/simulated/simulated-fine-tune-provider.js';
import { defineCapabilities, type CapabilityDeclaration } from '../../src/providers/provider-capabilities.js';
import { OPENAI_CAPABILITIES } from '../../src/providers/catalog/openai-catalog.js';
import { TOGETHER_CAPABILITIES } from '../../src/providers/catalog/together-catalog.js';
import type { FineTuneProvider } from '../../src/providers/fine-tune-provider.js';
import type { ProviderEndpoint } from '../../src/providers/fine-tune-provider-resolver.js';
import { createFtJob } from '../../src/ft-jobs/create-ft-job.js';
import { retargetFtJob } from '../../src/ft-jobs/retarget-ft-job.js';
import { planRetarget, RetargetRefusal, type RetargetPlan } from '../../src/ft-jobs/plan-retarget.js';
import { submitFtJob } from '../../src/ft-jobs/submit-ft-job.js';
import { pollFtJob } from '../../src/ft-jobs/poll-ft-job.js';
import { getFtJob } from '../../src/ft-jobs/get-ft-job.js';
import { listFtJobEvents } from '../../src/ft-jobs/list-ft-job-events.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createPgliteTestDatabase();
});
afterAll(async () => t.dispose());

/**
 * A provider with a real provider's name and capabilities whose jobs the simulator runs: the
 * retarget logic only sees capabilities, and the simulator makes the job complete. Uploaded files
 * are kept so a test can read what the provider received.
 */
function simulatedAs(name: string, declaration: CapabilityDeclaration, sim: SimulatedFineTuneProvider, uploads: string[]): ProviderEndpoint {
  const capabilities = defineCapabilities({ ...declaration, provider: name });
  const provider: FineTuneProvider = {
    name,
    simulated: false,
    capabilities: () => capabilities,
    async uploadTrainingFile(source, options) {
      const chunks: Uint8Array[] = [];
      for await (const c of await source.open()) chunks.push(c);
      const text = Buffer.concat(chunks).toString('utf8');
      uploads.push(text);
      return sim.uploadTrainingFile({ open: async () => [Buffer.from(text)] }, options);
    },
    createJob: (input) => sim.createJob(input),
    findJobByIdempotencyKey: (key) => sim.findJobByIdempotencyKey(key),
    getJob: (id) => sim.getJob(id),
    listEvents: (id, o) => sim.listEvents(id, o),
    listCheckpoints: (id) => sim.listCheckpoints(id),
    cancelJob: (id) => sim.cancelJob(id),
  };
  return { name, capabilities, defaultCredential: { apiKey: 'server-key' }, credentialFields: [], create: () => provider };
}

async function setup() {
  const clock = new ManualClock('2026-12-01T00:00:00Z');
  const timings = { validatingMs: 1_000, queuedMs: 1_000, runningMs: 3_000 };
  const sim = new SimulatedFineTuneProvider({ db: t.database.db, clock, timings });
  const uploads: string[] = [];
  const endpoints = [simulatedAs('openai', OPENAI_CAPABILITIES, sim, uploads), simulatedAs('together', TOGETHER_CAPABILITIES, sim, uploads)];
  const deps = await makeDeps({ db: t.database.db, clock, timings, endpoints });
  const tenant = await seedTenant(t.database);
  return { clock, deps, tenant, uploads, ctx: testContext({ tenantId: tenant.tenantId, clock }) };
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (e: unknown) => e,
  );
}

describe('retargeting a fine-tuning job to another provider', () => {
  it('creates a Together job from an OpenAI one with mapped hyperparameters, LoRA, and the original named in retargeted_from', async () => {
    const { deps, tenant, ctx } = await setup();
    const datasetId = await seedDataset(deps, tenant, { format: 'jsonl_chat' });
    const original = await createFtJob(deps, ctx, {
      dataset_id: datasetId,
      provider: 'openai',
      base_model: 'gpt-4o-mini-2024-07-18',
      suffix: 'support',
      hyperparameters: { n_epochs: 30, batch_size: 'auto', learning_rate_multiplier: 2 },
    });
    const job = await retargetFtJob(deps, ctx, original.id, { provider: 'together' });

    expect(job).toMatchObject({
      provider: 'together',
      dataset_id: datasetId,
      method: 'supervised',
      base_model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference',
      suffix: 'support',
      status: 'queued',
      retargeted_from: original.id,
      hyperparameters: { n_epochs: 20, batch_size: 'auto', learning_rate: 2e-5, training_type: 'lora' },
    });
    const timeline = await listFtJobEvents(deps, ctx, job.id, { limit: 50 });
    const retargeted = timeline.data.find((e) => e.type === 'retargeted');
    expect(retargeted?.data).toMatchObject({ retargeted_from: original.id, training_format: 'jsonl_chat' });
    expect((retargeted?.data.mapping as string[]).join('\n')).toMatch(/n_epochs 30 → 20[\s\S]*learning_rate_multiplier 2 → learning_rate 0\.00002/);
    const originalTimeline = await listFtJobEvents(deps, ctx, original.id, { limit: 50 });
    expect(originalTimeline.data.find((e) => e.type === 'retargeted')?.data).toMatchObject({ retargeted_to: job.id, provider: 'together' });

    const audit = await deps.db.selectFrom('audit_events').select(['action', 'resource_id']).where('resource_id', 'in', [job.id, original.id]).execute();
    expect(audit).toEqual(
      expect.arrayContaining([
        { action: 'ft_job.retarget', resource_id: job.id },
        { action: 'ft_job.retargeted', resource_id: original.id },
      ]),
    );
    const outbox = await deps.db.selectFrom('outbox_events').select(['type', 'payload']).where('resource_id', '=', job.id).execute();
    expect(outbox).toHaveLength(1);
    expect((outbox[0]!.payload as { ft_job: { retargeted_from: string } }).ft_job.retargeted_from).toBe(original.id);
  });

  it('takes the caller base model and hyperparameter overrides, which the target then checks', async () => {
    const { deps, tenant, ctx } = await setup();
    const datasetId = await seedDataset(deps, tenant, { format: 'jsonl_preference' });
    const original = await createFtJob(deps, ctx, { dataset_id: datasetId, provider: 'openai', base_model: 'gpt-4o-mini-2024-07-18', method: 'dpo', hyperparameters: { beta: 0.1 } });
    const job = await retargetFtJob(deps, ctx, original.id, {
      provider: 'together',
      base_model: 'Qwen/Qwen2.5-7B-Instruct',
      hyperparameters: { training_type: 'full', n_epochs: 2 },
      metadata: { team: 'support' },
    });
    expect(job).toMatchObject({ method: 'dpo', base_model: 'Qwen/Qwen2.5-7B-Instruct', hyperparameters: { beta: 0.1, training_type: 'full', n_epochs: 2 }, metadata: { team: 'support' } });

    const tooManyEpochs = await errorOf(retargetFtJob(deps, ctx, original.id, { provider: 'together', hyperparameters: { n_epochs: 40 } }));
    expect(tooManyEpochs).toBeInstanceOf(ValidationError);
    expect((tooManyEpochs as ValidationError).fieldErrors.map((e) => e.path)).toEqual(['hyperparameters.n_epochs']);
  });

  it('refuses the same provider, an unknown job, a method the target lacks and an unconfigured target, and stores nothing', async () => {
    const { deps, tenant, ctx } = await setup();
    const datasetId = await seedDataset(deps, tenant, { format: 'jsonl_chat' });
    const original = await createFtJob(deps, ctx, { dataset_id: datasetId, provider: 'openai', base_model: 'gpt-4o-mini-2024-07-18' });
    const rft = await createFtJob(deps, ctx, {
      dataset_id: datasetId,
      provider: 'openai',
      base_model: 'o4-mini-2025-04-16',
      method: 'reinforcement',
      grader: { type: 'string_check', name: 'exact', input: '{{ sample.output_text }}', reference: 'yes', operation: 'eq' },
    });
    const before = await deps.db.selectFrom('ft_jobs').select('id').where('tenant_id', '=', tenant.tenantId).execute();

    const same = await errorOf(retargetFtJob(deps, ctx, original.id, { provider: 'openai' }));
    expect(same).toBeInstanceOf(ValidationError);
    expect((same as ValidationError).fieldErrors[0]?.path).toBe('provider');
    expect(await errorOf(retargetFtJob(deps, ctx, '01900000-0000-7000-8000-000000000000', { provider: 'together' }))).toBeInstanceOf(NotFoundError);
    const method = await errorOf(retargetFtJob(deps, ctx, rft.id, { provider: 'together' }));
    expect(method).toBeInstanceOf(ValidationError);
    expect((method as ValidationError).message).toMatch(/together does not offer reinforcement fine-tuning/);
    const unconfigured = await errorOf(retargetFtJob(deps, ctx, original.id, { provider: 'azure_openai' }));
    expect(unconfigured).toBeInstanceOf(ConflictError);
    expect((unconfigured as ConflictError).code).toBe('provider_not_configured');
    expect(await errorOf(retargetFtJob(deps, ctx, original.id, { provider: 'together', temperature: 1 }))).toBeInstanceOf(ValidationError);

    const after = await deps.db.selectFrom('ft_jobs').select('id').where('tenant_id', '=', tenant.tenantId).execute();
    expect(after).toHaveLength(before.length);
  });

  it('converts prompt/completion data to chat for OpenAI, completes, and the model version names the original job', async () => {
    const { clock, deps, tenant, ctx, uploads } = await setup();
    const datasetId = await seedDataset(deps, tenant, { format: 'jsonl_prompt_completion', examples: 3 });
    const original = await createFtJob(deps, ctx, {
      dataset_id: datasetId,
      provider: 'together',
      base_model: 'Qwen/Qwen2.5-7B-Instruct',
      hyperparameters: { learning_rate: 0.00003, warmup_ratio: 0.1 },
    });
    const job = await retargetFtJob(deps, ctx, original.id, { provider: 'openai', base_model: 'gpt-4o-mini-2024-07-18' });
    expect(job.hyperparameters).toEqual({ learning_rate_multiplier: 3 });

    await submitFtJob(deps, ctx, job.id);
    expect(
      uploads
        .at(-1)!
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))[0],
    ).toEqual({
      messages: [
        { role: 'user', content: 'question 0' },
        { role: 'assistant', content: 'answer 0' },
      ],
    });
    for (let i = 0; i < 20 && !(await pollFtJob(deps, ctx, job.id)).terminal; i++) clock.advance(1_000);
    const done = await getFtJob(deps, ctx, job.id);
    expect(done).toMatchObject({ status: 'completed', retargeted_from: original.id });
    const version = await deps.db.selectFrom('model_versions').selectAll().where('id', '=', done.model_version_id!).executeTakeFirstOrThrow();
    expect(version).toMatchObject({ provider: 'openai', ft_job_id: job.id, dataset_id: datasetId });
    expect(version.metadata).toMatchObject({ retargeted_from_ft_job_id: original.id });
  });
});

describe('planRetarget', () => {
  const together = defineCapabilities(TOGETHER_CAPABILITIES);
  const openai = defineCapabilities(OPENAI_CAPABILITIES);
  const source = { provider: 'openai', method: 'supervised' as const, baseModel: 'gpt-4.1-mini-2025-04-14', hyperparameters: {}, datasetFormat: 'jsonl_chat' as const };

  it('keeps the base model when the target trains it, and notes when it picks another', () => {
    const same = planRetarget(source, openai, {});
    expect(same).toMatchObject({ baseModel: 'gpt-4.1-mini-2025-04-14', notes: [] });
    const other = planRetarget(source, together, {});
    expect(other).not.toBeInstanceOf(RetargetRefusal);
    expect((other as RetargetPlan).notes[0]).toMatch(/gpt-4\.1-mini-2025-04-14 is not offered by together; using meta-llama/);
  });

  it('drops what the target does not take and rounds integers into range', () => {
    const plan = planRetarget({ ...source, provider: 'together', hyperparameters: { n_checkpoints: 3, lora_r: 8, batch_size: 0.4 } }, openai, {});
    expect(plan).toMatchObject({ hyperparameters: { batch_size: 1 } });
    expect((plan as RetargetPlan).notes).toEqual(expect.arrayContaining(['n_checkpoints dropped: openai does not take it', 'lora_r dropped: openai does not take it']));
  });

  it('refuses a dataset format the target cannot train on and cannot be converted to', () => {
    const plan = planRetarget(
      { ...source, provider: 'together', datasetFormat: 'jsonl_chat' },
      defineCapabilities({ ...OPENAI_CAPABILITIES, methodSupport: { supervised: { datasetFormats: ['jsonl_prompt_completion'], hyperparameters: {} } } }),
      {},
    );
    expect(plan).toBeInstanceOf(RetargetRefusal);
    expect((plan as RetargetRefusal).errors[0]?.message).toMatch(/jsonl_chat cannot be converted/);
  });
});
