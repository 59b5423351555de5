import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TogetherStub } from '@ftm/test-support/provider-stubs';
import { TogetherFineTuneProvider } from '../../src/adapters/together/together-fine-tune-provider.js';
import { createTogetherChatRunner } from '../../src/adapters/together/together-chat-runner.js';
import { ProviderRequestError } from '../../src/providers/provider-errors.js';
import { RateLimitedError } from '../../src/shared/errors.js';
import type { FineTuneMethod } from '../../src/providers/fine-tune-provider.js';

const stub = new TogetherStub({ apiKey: 'tg-key-1' });
let baseUrl = '';
beforeAll(async () => void (baseUrl = (await stub.listen()).baseUrl));
afterAll(() => stub.close());
beforeEach(() => {
  expect(stub.violations).toEqual([]);
});

const noSleep = async () => {};
const provider = (apiKey = 'tg-key-1') => new TogetherFineTuneProvider({ apiKey, baseUrl, sleep: noSleep });
const source = (text: string) => ({ open: async () => [new TextEncoder().encode(text)] });
const lastBody = (operation: string) => stub.requests.filter((r) => r.operation === operation).at(-1)?.body as Record<string, unknown>;

async function uploadAndCreate(method: FineTuneMethod, extra: { suffix?: string; seed?: number } = {}) {
  const p = provider();
  const file = await p.uploadTrainingFile(source('{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"yo"}]}\n'), { filename: 'ftm-job-train.jsonl' });
  const job = await p.createJob({ model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', trainingFileId: file.id, method, idempotencyKey: 'job-1', ...extra });
  return { p, file, job };
}

describe('Together adapter: requests follow the published document', () => {
  it('uploads the file as multipart with purpose fine-tune and its name', async () => {
    const { file } = await uploadAndCreate({ type: 'supervised', hyperparameters: {} });
    expect(file.bytes).toBeGreaterThan(0);
    const upload = stub.requests.find((r) => r.operation === 'POST /files/upload')!;
    expect(upload.body).toMatchObject({ purpose: 'fine-tune', file_name: 'ftm-job-train.jsonl', file_type: 'jsonl' });
    expect(stub.violations).toEqual([]);
  });

  it('creates a supervised LoRA job with every hyperparameter Together takes', async () => {
    await uploadAndCreate(
      {
        type: 'supervised',
        hyperparameters: { n_epochs: 3, learning_rate: 0.0001, batch_size: 16, n_checkpoints: 2, warmup_ratio: 0.1, n_evals: 1, training_type: 'lora', lora_r: 16, lora_dropout: 0.05 },
      },
      { suffix: 'support-bot', seed: 7 },
    );
    expect(lastBody('POST /fine-tunes')).toMatchObject({
      training_method: { method: 'sft', train_on_inputs: false },
      training_type: { type: 'Lora', lora_r: 16, lora_alpha: 32, lora_dropout: 0.05 },
      n_epochs: 3,
      learning_rate: 0.0001,
      batch_size: 16,
      n_checkpoints: 2,
      warmup_ratio: 0.1,
      n_evals: 1,
      suffix: 'support-bot',
      random_seed: 7,
    });
    expect(stub.violations).toEqual([]);
  });

  it('creates a DPO job with full training and dpo_beta', async () => {
    const { job } = await uploadAndCreate({ type: 'dpo', hyperparameters: { beta: 0.2, training_type: 'full', n_epochs: 'auto' } });
    expect(lastBody('POST /fine-tunes')).toMatchObject({ training_method: { method: 'dpo', dpo_beta: 0.2 }, training_type: { type: 'Full' } });
    expect(lastBody('POST /fine-tunes')).not.toHaveProperty('n_epochs');
    expect(job.method).toBe('dpo');
    expect(stub.violations).toEqual([]);
  });

  it('asks the price estimate on the uploaded file', async () => {
    const { p, file } = await uploadAndCreate({ type: 'supervised', hyperparameters: {} });
    const estimate = await p.estimatePrice({ model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', trainingFileId: file.id, method: { type: 'supervised', hyperparameters: { n_epochs: 2 } } });
    expect(estimate).toMatchObject({ allowedToProceed: true, evalTokens: 0 });
    expect(estimate!.totalUsd).toBeGreaterThan(0);
    expect(lastBody('POST /fine-tunes/estimate-price')).toMatchObject({ n_epochs: 2, training_method: { method: 'sft' } });
    expect(stub.violations).toEqual([]);
  });
});

describe('Together adapter: a job from create to its model', () => {
  it("maps statuses, keeps Together's word, and hands over the output model name on completion", async () => {
    const { p, job } = await uploadAndCreate({ type: 'supervised', hyperparameters: {} });
    expect(job.status).toBe('queued');
    expect(job.providerStatus).toBe('pending');
    const seen: string[] = [];
    let current = job;
    while (current.status !== 'succeeded') {
      current = await p.getJob(job.id);
      seen.push(`${current.status}/${current.providerStatus ?? ''}`);
    }
    expect(seen).toEqual(['running/', 'running/compressing', 'succeeded/completed']);
    expect(current.fineTunedModel).toBe(stub.jobs.get(job.id)!.outputName);
    const events = await p.listEvents(job.id);
    expect(events.map((e) => e.data?.together_type)).toEqual(['job_pending', 'training_start', 'model_compressing', 'job_complete']);
    expect((await p.listEvents(job.id, { after: events[1]!.id })).map((e) => e.id)).toEqual([events[2]!.id, events[3]!.id]);
    expect(await p.listCheckpoints(job.id)).toEqual([expect.objectContaining({ id: `${job.id}:10`, stepNumber: 10, fineTunedModelCheckpoint: `${job.id}:10` })]);
  });

  it("reports a failed job with Together's error message", async () => {
    stub.failNextJob('training file has 3 malformed lines');
    const { p, job } = await uploadAndCreate({ type: 'supervised', hyperparameters: {} });
    const failed = await p.getJob(job.id);
    expect(failed).toMatchObject({ status: 'failed', providerStatus: 'error', error: { message: 'training file has 3 malformed lines' }, fineTunedModel: null });
  });

  it('cancels a job (cancel_requested, then cancelled)', async () => {
    const { p, job } = await uploadAndCreate({ type: 'supervised', hyperparameters: {} });
    expect(await p.cancelJob(job.id)).toMatchObject({ status: 'running', providerStatus: 'cancel_requested' });
    expect((await p.getJob(job.id)).status).toBe('cancelled');
  });

  it('finds the job of an FTM job by the training file uploaded for it, and nothing before the file exists', async () => {
    const { p, file, job } = await uploadAndCreate({ type: 'supervised', hyperparameters: {} });
    expect((await p.findJobByIdempotencyKey('job-1', { trainingFileId: file.id }))?.id).toBe(job.id);
    const before = stub.requests.length;
    expect(await p.findJobByIdempotencyKey('job-1', { trainingFileId: null })).toBeNull();
    expect(stub.requests.length).toBe(before);
    expect(await p.findJobByIdempotencyKey('job-1', { trainingFileId: 'file-unknown' })).toBeNull();
  });
});

describe('Together adapter: errors', () => {
  it('maps a 401 to a provider refusal without echoing the key', async () => {
    const error = await provider('wrong-key-0123456789abcdef0123456789abcdef')
      .getJob('ft-x')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderRequestError);
    expect((error as ProviderRequestError).status).toBe(401);
    expect(String((error as Error).message)).not.toContain('wrong-key');
  });

  it('retries a 429 on reads, then reports the Retry-After it was given', async () => {
    const { p, job } = await uploadAndCreate({ type: 'supervised', hyperparameters: {} });
    stub.faults.push('get', { status: 429, retryAfterSec: 7 }, { status: 429, retryAfterSec: 7 }, { status: 429, retryAfterSec: 7 }, { status: 429, retryAfterSec: 7 });
    const error = await p.getJob(job.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterSec).toBe(7);
  });

  it('sends a create once: a 500 is not retried blind', async () => {
    const jobsBefore = stub.jobs.size;
    stub.faults.push('create', { status: 500, afterEffect: true });
    await expect(uploadAndCreate({ type: 'supervised', hyperparameters: {} })).rejects.toThrow();
    expect(stub.jobs.size).toBe(jobsBefore + 1);
  });
});

describe('Together chat runner', () => {
  it('runs a model on /chat/completions with max_tokens, as Together documents it', async () => {
    const runner = createTogetherChatRunner({ apiKey: 'tg-key-1', baseUrl, sleep: noSleep });
    const completion = await runner.complete(
      { id: 'stub-user/Meta-Llama-3.1-8B-Instruct-Reference-ftm-1234', provider: 'together' },
      {
        messages: [
          { role: 'system', content: 'be brief' },
          { role: 'user', content: 'hi' },
        ],
        params: { max_tokens: 20, temperature: 0 },
        responseFormat: { type: 'json_object' },
      },
    );
    expect(completion.content).toBe('ok');
    expect(completion.usage.outputTokens).toBeGreaterThan(0);
    expect(lastBody('POST /chat/completions')).toMatchObject({ max_tokens: 20, temperature: 0 });
    expect(lastBody('POST /chat/completions')).not.toHaveProperty('max_completion_tokens');
    expect(stub.violations).toEqual([]);
  });
});

describe('Together document check', () => {
  it('catches a body that breaks the document (so the checks above can fail)', async () => {
    const { createTogetherRequestValidator } = await import('@ftm/test-support/provider-stubs');
    const v = createTogetherRequestValidator();
    expect(v.validate('POST', '/fine-tunes', 'application/json', { model: 'm', training_file: 'f', training_method: { method: 'sft', train_on_inputs: 'auto' } }).length).toBeGreaterThan(0);
    expect(v.validate('POST', '/fine-tunes', 'application/json', { model: 'm', training_file: 'f', training_type: { type: 'Lora' } }).length).toBeGreaterThan(0);
    expect(v.validate('POST', '/fine-tunes', 'application/json', { training_file: 'f' })).toEqual([expect.stringContaining("must have required property 'model'")]);
    expect(v.validate('POST', '/files/upload', 'multipart/form-data', { purpose: 'training', file_name: 'a', file: { filename: 'a', content: 'x' } }).length).toBeGreaterThan(0);
    expect(v.validate('GET', '/fine-tunes/ft-1/results', undefined, null)).toEqual([expect.stringContaining('not an operation')]);
    expect(v.validate('POST', '/fine-tunes', 'application/json', { model: 'm', training_file: 'f', training_method: { method: 'sft', train_on_inputs: false } })).toEqual([]);
  });
});
