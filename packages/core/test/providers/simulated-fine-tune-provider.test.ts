import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { SimulatedFineTuneProvider } from '../../src/adapters/simulated/simulated-fine-tune-provider.js';
import { ManualClock } from '../../src/shared/clock.js';
import { RateLimitedError } from '../../src/shared/errors.js';
import { ProviderRequestError } from '../../src/providers/provider-errors.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createPgliteTestDatabase();
});
afterAll(async () => t.dispose());

const timings = { validatingMs: 1_000, queuedMs: 1_000, runningMs: 10_000 };
const lines = Array.from({ length: 20 }, (_, i) =>
  JSON.stringify({
    messages: [
      { role: 'user', content: `q${i}` },
      { role: 'assistant', content: `a${i}` },
    ],
  }),
).join('\n');
const source = { open: async () => [new TextEncoder().encode(lines)] };

async function started(options: { failAt?: 'validating_files' | 'queued' | 'running'; metadata?: Record<string, string>; validation?: boolean } = {}) {
  const clock = new ManualClock('2026-05-01T00:00:00Z');
  const provider = new SimulatedFineTuneProvider({ db: t.database.db, clock, timings, failures: { failAt: options.failAt } });
  const file = await provider.uploadTrainingFile(source, { filename: 'train.jsonl' });
  const validation = options.validation ? await provider.uploadTrainingFile(source, { filename: 'validation.jsonl' }) : undefined;
  const job = await provider.createJob({
    model: 'gpt-4o-mini-2024-07-18',
    trainingFileId: file.id,
    ...(validation ? { validationFileId: validation.id } : {}),
    method: { type: 'supervised', hyperparameters: {} },
    metadata: options.metadata,
    idempotencyKey: `key-${Math.random()}`,
  });
  return { provider, clock, job };
}

describe('simulated provider', () => {
  it('moves a job through validating_files, queued and running to succeeded as time passes', async () => {
    const { provider, clock, job } = await started();
    expect(job.status).toBe('validating_files');
    clock.advance(1_000);
    expect((await provider.getJob(job.id)).status).toBe('queued');
    clock.advance(1_000);
    expect((await provider.getJob(job.id)).status).toBe('running');
    clock.advance(10_000);
    const done = await provider.getJob(job.id);
    expect(done.status).toBe('succeeded');
    expect(done.fineTunedModel).toMatch(/^ft:gpt-4o-mini-2024-07-18:ftm-sim::[0-9a-f]{8}$/);
    // 20 examples → the auto rule picks 5 epochs; trained tokens are epochs × tokens in the file
    expect(done.hyperparameters.n_epochs).toBe(5);
    expect(done.trainedTokens).toBeGreaterThan(0);
    expect(done.trainedTokens! % 5).toBe(0);
  });

  it('reveals events and checkpoints only once their time has come, with stable ids', async () => {
    const { provider, clock, job } = await started();
    const early = await provider.listEvents(job.id);
    expect(early.map((e) => e.message)).toEqual([`Created fine-tuning job: ${job.id}`, expect.stringMatching(/^Validating training file/)]);
    clock.advance(12_000);
    const all = await provider.listEvents(job.id);
    expect(all.slice(0, 2)).toEqual(early);
    expect(all.some((e) => e.type === 'metrics')).toBe(true);
    expect(all.at(-1)?.message).toBe('The job has successfully completed');
    const after = await provider.listEvents(job.id, { after: all[3]!.id });
    expect(after).toEqual(all.slice(4));
    expect((await provider.listCheckpoints(job.id)).length).toBe(3);
  });

  it('reports a validation loss with each training loss only when the job has a validation file', async () => {
    const withValidation = await started({ validation: true });
    withValidation.clock.advance(12_000);
    const metrics = (await withValidation.provider.listEvents(withValidation.job.id)).filter((e) => e.type === 'metrics');
    expect(metrics.length).toBeGreaterThan(0);
    expect(metrics.every((e) => typeof e.data?.train_loss === 'number' && typeof e.data?.valid_loss === 'number')).toBe(true);
    const without = await started();
    without.clock.advance(12_000);
    const plain = (await without.provider.listEvents(without.job.id)).filter((e) => e.type === 'metrics');
    expect(plain.length).toBeGreaterThan(0);
    expect(plain.some((e) => e.data && 'valid_loss' in e.data)).toBe(false);
  });

  it('fails a job at the injected status with an error', async () => {
    const { provider, clock, job } = await started({ failAt: 'queued' });
    clock.advance(5_000);
    const failed = await provider.getJob(job.id);
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('simulated_failure');
    expect(failed.finishedAt).toEqual(new Date('2026-05-01T00:00:02Z'));
    expect(failed.fineTunedModel).toBeNull();
  });

  it('lets one job ask for a failure through its metadata', async () => {
    const { provider, clock, job } = await started({ metadata: { ftm_simulate_failure: 'running' } });
    clock.advance(20_000);
    expect((await provider.getJob(job.id)).status).toBe('failed');
  });

  it('cancels a running job and refuses to cancel a finished one', async () => {
    const { provider, clock, job } = await started();
    clock.advance(3_000);
    expect((await provider.cancelJob(job.id)).status).toBe('cancelled');
    clock.advance(20_000);
    expect((await provider.getJob(job.id)).status).toBe('cancelled');
    await expect(provider.cancelJob(job.id)).rejects.toBeInstanceOf(ProviderRequestError);
  });

  it('keeps its jobs in the database, so a new instance finds them by idempotency key', async () => {
    const clock = new ManualClock('2026-05-01T00:00:00Z');
    const first = new SimulatedFineTuneProvider({ db: t.database.db, clock, timings });
    const file = await first.uploadTrainingFile(source, { filename: 'train.jsonl' });
    const job = await first.createJob({ model: 'gpt-4o-mini', trainingFileId: file.id, method: { type: 'supervised', hyperparameters: {} }, idempotencyKey: 'ftm-job-persisted' });
    const second = new SimulatedFineTuneProvider({ db: t.database.db, clock, timings });
    expect((await second.findJobByIdempotencyKey('ftm-job-persisted'))?.id).toBe(job.id);
    expect(await second.findJobByIdempotencyKey('never-used')).toBeNull();
    expect((await second.countJobsByIdempotencyKey()).get('ftm-job-persisted')).toBe(1);
  });

  it('rejects a create when told to, and answers rate limited for the injected number of calls', async () => {
    const rejecting = new SimulatedFineTuneProvider({ db: t.database.db, failures: { rejectCreate: 'quota exceeded' } });
    const file = await rejecting.uploadTrainingFile(source, { filename: 'train.jsonl' });
    await expect(rejecting.createJob({ model: 'm', trainingFileId: file.id, method: { type: 'supervised', hyperparameters: {} }, idempotencyKey: 'k' })).rejects.toThrow(/quota exceeded/);
    const limited = new SimulatedFineTuneProvider({ db: t.database.db, failures: { rateLimitedCalls: 1 } });
    await expect(limited.findJobByIdempotencyKey('k')).rejects.toBeInstanceOf(RateLimitedError);
    expect(await limited.findJobByIdempotencyKey('k')).toBeNull();
  });

  it('refuses an empty training file', async () => {
    const provider = new SimulatedFineTuneProvider({ db: t.database.db });
    await expect(provider.uploadTrainingFile({ open: async () => [] }, { filename: 'empty.jsonl' })).rejects.toBeInstanceOf(ProviderRequestError);
  });
});
