import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { OpenAiFineTuneProvider } from '../../src/adapters/openai/openai-fine-tune-provider.js';
import { ProviderRequestError } from '../../src/providers/provider-errors.js';
import { NotFoundError, RateLimitedError } from '../../src/shared/errors.js';

const API = 'https://api.openai.test/v1';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const noSleep = async () => {};
const provider = (extra: Partial<ConstructorParameters<typeof OpenAiFineTuneProvider>[0]> = {}) =>
  new OpenAiFineTuneProvider({ apiKey: 'sk-test-abcdefghijklmnop', baseUrl: API, sleep: noSleep, ...extra });

/** A fine_tuning.job object field for field as in OpenAI's API reference. */
function jobObject(overrides: Record<string, unknown> = {}) {
  return {
    object: 'fine_tuning.job',
    id: 'ftjob-abc123',
    model: 'gpt-4o-mini-2024-07-18',
    created_at: 1721764800,
    finished_at: null,
    fine_tuned_model: null,
    organization_id: 'org-123',
    result_files: [],
    status: 'queued',
    validation_file: null,
    training_file: 'file-abc123',
    hyperparameters: { n_epochs: 'auto', batch_size: 'auto', learning_rate_multiplier: 'auto' },
    trained_tokens: null,
    error: null,
    integrations: [],
    seed: 42,
    estimated_finish: null,
    method: { type: 'supervised', supervised: { hyperparameters: { batch_size: 'auto', learning_rate_multiplier: 'auto', n_epochs: 3 } } },
    metadata: { ftm_job_id: 'job-1' },
    ...overrides,
  };
}

const textSource = (text: string) => ({
  open: async () =>
    (async function* () {
      yield new TextEncoder().encode(text);
    })(),
});

describe('OpenAI adapter: files', () => {
  it('uploads the training file as multipart with purpose fine-tune', async () => {
    let seen: { purpose: unknown; name: string; content: string; auth: string | null } | undefined;
    server.use(
      http.post(`${API}/files`, async ({ request }) => {
        const form = await request.formData();
        const file = form.get('file') as File;
        seen = { purpose: form.get('purpose'), name: file.name, content: await file.text(), auth: request.headers.get('authorization') };
        return HttpResponse.json({ id: 'file-abc123', object: 'file', bytes: 20, created_at: 1721764800, filename: file.name, purpose: 'fine-tune' });
      }),
    );
    const result = await provider().uploadTrainingFile(textSource('{"messages":[]}\n'), { filename: 'train.jsonl' });
    expect(result).toEqual({ id: 'file-abc123', bytes: 20 });
    expect(seen).toEqual({ purpose: 'fine-tune', name: 'train.jsonl', content: '{"messages":[]}\n', auth: 'Bearer sk-test-abcdefghijklmnop' });
  });

  it('reopens the source when an upload is retried after a 503', async () => {
    const contents: string[] = [];
    server.use(
      http.post(`${API}/files`, async ({ request }) => {
        const form = await request.formData();
        contents.push(await (form.get('file') as File).text());
        if (contents.length === 1) return HttpResponse.json({ error: { message: 'overloaded', type: 'server_error', param: null, code: null } }, { status: 503 });
        return HttpResponse.json({ id: 'file-2', object: 'file', bytes: 5, created_at: 1, filename: 'train.jsonl', purpose: 'fine-tune' });
      }),
    );
    await provider().uploadTrainingFile(textSource('abcde'), { filename: 'train.jsonl' });
    expect(contents).toEqual(['abcde', 'abcde']);
  });
});

describe('OpenAI adapter: jobs', () => {
  it('creates a supervised job with the documented method object, suffix, seed, metadata and idempotency key', async () => {
    let body: Record<string, unknown> | undefined;
    let idempotencyKey: string | null = null;
    server.use(
      http.post(`${API}/fine_tuning/jobs`, async ({ request }) => {
        body = (await request.json()) as Record<string, unknown>;
        idempotencyKey = request.headers.get('idempotency-key');
        return HttpResponse.json(jobObject());
      }),
    );
    const job = await provider().createJob({
      model: 'gpt-4o-mini-2024-07-18',
      trainingFileId: 'file-abc123',
      validationFileId: 'file-val',
      method: { type: 'supervised', hyperparameters: { n_epochs: 3, batch_size: 'auto' } },
      suffix: 'support-bot',
      seed: 42,
      metadata: { dataset_id: 'd1' },
      idempotencyKey: 'job-1',
    });
    expect(body).toEqual({
      model: 'gpt-4o-mini-2024-07-18',
      training_file: 'file-abc123',
      validation_file: 'file-val',
      method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 3, batch_size: 'auto' } } },
      suffix: 'support-bot',
      seed: 42,
      metadata: { dataset_id: 'd1', ftm_job_id: 'job-1' },
    });
    expect(idempotencyKey).toBe('ftm-job-1');
    expect(job).toMatchObject({ id: 'ftjob-abc123', status: 'queued', method: 'supervised', seed: 42, createdAt: new Date(1721764800_000) });
    expect(job.hyperparameters).toEqual({ batch_size: 'auto', learning_rate_multiplier: 'auto', n_epochs: 3 });
  });

  it('sends DPO hyperparameters including beta under method.dpo', async () => {
    let method: unknown;
    server.use(
      http.post(`${API}/fine_tuning/jobs`, async ({ request }) => {
        method = ((await request.json()) as { method: unknown }).method;
        return HttpResponse.json(jobObject({ method: { type: 'dpo', dpo: { hyperparameters: { beta: 0.1 } } } }));
      }),
    );
    const job = await provider().createJob({
      model: 'gpt-4o-2024-08-06',
      trainingFileId: 'file-1',
      method: { type: 'dpo', hyperparameters: { beta: 0.1, n_epochs: 2 } },
      idempotencyKey: 'job-2',
    });
    expect(method).toEqual({ type: 'dpo', dpo: { hyperparameters: { beta: 0.1, n_epochs: 2 } } });
    expect(job.method).toBe('dpo');
  });

  it('sends a reinforcement job with its grader and hyperparameters', async () => {
    let method: unknown;
    server.use(
      http.post(`${API}/fine_tuning/jobs`, async ({ request }) => {
        method = ((await request.json()) as { method: unknown }).method;
        return HttpResponse.json(jobObject({ model: 'o4-mini-2025-04-16', method: { type: 'reinforcement', reinforcement: { hyperparameters: { reasoning_effort: 'low' } } } }));
      }),
    );
    const grader = { type: 'string_check', name: 'exact', input: '{{sample.output_text}}', reference: '{{item.answer}}', operation: 'eq' };
    await provider().createJob({
      model: 'o4-mini-2025-04-16',
      trainingFileId: 'file-1',
      method: { type: 'reinforcement', hyperparameters: { reasoning_effort: 'low' }, grader },
      idempotencyKey: 'job-3',
    });
    expect(method).toEqual({ type: 'reinforcement', reinforcement: { grader, hyperparameters: { reasoning_effort: 'low' } } });
  });

  it('maps a succeeded job with its fine-tuned model, trained tokens and finish time', async () => {
    server.use(
      http.get(`${API}/fine_tuning/jobs/ftjob-abc123`, () =>
        HttpResponse.json(
          jobObject({ status: 'succeeded', fine_tuned_model: 'ft:gpt-4o-mini-2024-07-18:org:support-bot:9ABel2dg', trained_tokens: 5768, finished_at: 1721768400, result_files: ['file-res'] }),
        ),
      ),
    );
    const job = await provider().getJob('ftjob-abc123');
    expect(job).toMatchObject({
      status: 'succeeded',
      fineTunedModel: 'ft:gpt-4o-mini-2024-07-18:org:support-bot:9ABel2dg',
      trainedTokens: 5768,
      finishedAt: new Date(1721768400_000),
      resultFiles: ['file-res'],
      error: null,
    });
  });

  it('maps a failed job with its error code, message and param', async () => {
    server.use(
      http.get(`${API}/fine_tuning/jobs/ftjob-abc123`, () =>
        HttpResponse.json(jobObject({ status: 'failed', error: { code: 'invalid_training_file', message: 'The file has too few examples.', param: 'training_file' } })),
      ),
    );
    const job = await provider().getJob('ftjob-abc123');
    expect(job.status).toBe('failed');
    expect(job.error).toEqual({ code: 'invalid_training_file', message: 'The file has too few examples.', param: 'training_file' });
  });

  it('cancels a job with POST /fine_tuning/jobs/{id}/cancel', async () => {
    server.use(http.post(`${API}/fine_tuning/jobs/ftjob-abc123/cancel`, () => HttpResponse.json(jobObject({ status: 'cancelled' }))));
    expect((await provider().cancelJob('ftjob-abc123')).status).toBe('cancelled');
  });

  it('finds the job created for an idempotency key through the metadata filter', async () => {
    let query: string | null = null;
    server.use(
      http.get(`${API}/fine_tuning/jobs`, ({ request }) => {
        query = new URL(request.url).searchParams.get('metadata[ftm_job_id]');
        return HttpResponse.json({ object: 'list', data: [jobObject({ id: 'ftjob-found', metadata: { ftm_job_id: 'job-9' } })], has_more: false });
      }),
    );
    const job = await provider().findJobByIdempotencyKey('job-9');
    expect(query).toBe('job-9');
    expect(job?.id).toBe('ftjob-found');
  });

  it('ignores listed jobs whose metadata does not match, for endpoints without the filter', async () => {
    server.use(
      http.get(`${API}/fine_tuning/jobs`, () =>
        HttpResponse.json({ object: 'list', data: [jobObject({ id: 'ftjob-other', metadata: { ftm_job_id: 'someone-else' } }), jobObject({ id: 'ftjob-none', metadata: null })], has_more: false }),
      ),
    );
    expect(await provider().findJobByIdempotencyKey('job-9')).toBeNull();
  });
});

describe('OpenAI adapter: events and checkpoints', () => {
  const event = (id: string, at: number, message: string) => ({ object: 'fine_tuning.job.event', id, created_at: at, level: 'info', message, data: null, type: 'message' });

  it('pages events newest first and returns only those after the last known one, oldest first', async () => {
    server.use(
      http.get(`${API}/fine_tuning/jobs/ftjob-abc123/events`, ({ request }) => {
        const after = new URL(request.url).searchParams.get('after');
        if (!after) return HttpResponse.json({ object: 'list', data: [event('ev-4', 4, 'd'), event('ev-3', 3, 'c')], has_more: true });
        return HttpResponse.json({ object: 'list', data: [event('ev-2', 2, 'b'), event('ev-1', 1, 'a')], has_more: false });
      }),
    );
    const fresh = await provider().listEvents('ftjob-abc123', { after: 'ev-2' });
    expect(fresh.map((e) => e.id)).toEqual(['ev-3', 'ev-4']);
    const all = await provider().listEvents('ftjob-abc123');
    expect(all.map((e) => e.message)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('lists checkpoints with their metrics and step numbers', async () => {
    server.use(
      http.get(`${API}/fine_tuning/jobs/ftjob-abc123/checkpoints`, () =>
        HttpResponse.json({
          object: 'list',
          data: [
            {
              object: 'fine_tuning.job.checkpoint',
              id: 'ftckpt_zc4Q7MP6XxulcVzj4MZdwsAB',
              created_at: 1721764867,
              fine_tuned_model_checkpoint: 'ft:gpt-4o-mini-2024-07-18:my-org:custom-suffix:96olL566:ckpt-step-2000',
              metrics: { full_valid_loss: 0.134, full_valid_mean_token_accuracy: 0.874 },
              fine_tuning_job_id: 'ftjob-abc123',
              step_number: 2000,
            },
          ],
          first_id: 'ftckpt_zc4Q7MP6XxulcVzj4MZdwsAB',
          last_id: 'ftckpt_zc4Q7MP6XxulcVzj4MZdwsAB',
          has_more: false,
        }),
      ),
    );
    const [checkpoint] = await provider().listCheckpoints('ftjob-abc123');
    expect(checkpoint).toMatchObject({ stepNumber: 2000, metrics: { full_valid_loss: 0.134 }, fineTunedModelCheckpoint: expect.stringContaining('ckpt-step-2000') });
  });
});

describe('OpenAI adapter: errors and rate limits', () => {
  it('retries a 429 with Retry-After and then succeeds', async () => {
    let calls = 0;
    server.use(
      http.get(`${API}/fine_tuning/jobs/ftjob-abc123`, () => {
        calls += 1;
        if (calls === 1) {
          return HttpResponse.json(
            { error: { message: 'Rate limit reached for requests', type: 'requests', param: null, code: 'rate_limit_exceeded' } },
            { status: 429, headers: { 'retry-after': '1' } },
          );
        }
        return HttpResponse.json(jobObject({ status: 'running' }));
      }),
    );
    expect((await provider().getJob('ftjob-abc123')).status).toBe('running');
    expect(calls).toBe(2);
  });

  it('surfaces a persistent 429 as RateLimitedError with the Retry-After seconds', async () => {
    server.use(
      http.get(`${API}/fine_tuning/jobs/ftjob-abc123`, () =>
        HttpResponse.json({ error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } }, { status: 429, headers: { 'retry-after': '7' } }),
      ),
    );
    const error = await provider()
      .getJob('ftjob-abc123')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterSec).toBe(7);
  });

  it('surfaces a 400 error body as ProviderRequestError with code and param, without retrying', async () => {
    let calls = 0;
    server.use(
      http.post(`${API}/fine_tuning/jobs`, () => {
        calls += 1;
        return HttpResponse.json(
          { error: { message: 'Model gpt-9 is not available for fine-tuning or does not exist.', type: 'invalid_request_error', param: 'model', code: 'model_not_available' } },
          { status: 400 },
        );
      }),
    );
    const error = await provider()
      .createJob({ model: 'gpt-9', trainingFileId: 'file-1', method: { type: 'supervised', hyperparameters: {} }, idempotencyKey: 'j' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderRequestError);
    expect(error).toMatchObject({ status: 400, providerCode: 'model_not_available', param: 'model' });
    expect(calls).toBe(1);
  });

  it('never repeats an API key that the provider echoes in an error message', async () => {
    server.use(
      http.get(`${API}/fine_tuning/jobs/x`, () =>
        HttpResponse.json(
          {
            error: {
              message: 'Incorrect API key provided: sk-test-ab**********mnop. You can find your API key at https://platform.openai.com/account/api-keys.',
              type: 'invalid_request_error',
              param: null,
              code: 'invalid_api_key',
            },
          },
          { status: 401 },
        ),
      ),
    );
    const error = (await provider()
      .getJob('x')
      .catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(ProviderRequestError);
    expect(error.message).not.toContain('sk-test');
    expect(error.message).toContain('[redacted]');
  });

  it('turns a 404 for a job into NotFoundError', async () => {
    server.use(
      http.get(`${API}/fine_tuning/jobs/ftjob-gone`, () =>
        HttpResponse.json({ error: { message: 'No such fine-tuning job', type: 'invalid_request_error', param: null, code: null } }, { status: 404 }),
      ),
    );
    await expect(provider().getJob('ftjob-gone')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('OpenAI adapter: OpenAI-compatible endpoints', () => {
  it('talks to Azure OpenAI with an api-key header and the api-version query', async () => {
    const AZURE = 'https://myres.openai.azure.test/openai';
    let seen: { key: string | null; auth: string | null; version: string | null } | undefined;
    server.use(
      http.get(`${AZURE}/fine_tuning/jobs/ftjob-abc123`, ({ request }) => {
        seen = { key: request.headers.get('api-key'), auth: request.headers.get('authorization'), version: new URL(request.url).searchParams.get('api-version') };
        return HttpResponse.json(jobObject());
      }),
    );
    const azure = new OpenAiFineTuneProvider({ apiKey: 'azure-key', baseUrl: AZURE, authHeader: 'api-key', apiVersion: '2025-04-01-preview', name: 'azure-openai', sleep: noSleep });
    await azure.getJob('ftjob-abc123');
    expect(seen).toEqual({ key: 'azure-key', auth: null, version: '2025-04-01-preview' });
    expect(azure.name).toBe('azure-openai');
  });
});
