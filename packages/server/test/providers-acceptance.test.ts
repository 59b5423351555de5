/**
 * Acceptance of issue #16: `ftm start` configured only through the environment with Together AI,
 * Azure OpenAI and OpenAI at local stubs of their APIs. On Together a supervised and a DPO job go
 * from create to completed and an eval run scores the fine-tuned model, and every request Together
 * received validates against its published OpenAPI document (the vendored subset); the same flow on
 * Azure OpenAI (endpoint, key, api-version) and on OpenAI at a configured base URL; a job
 * retargeted from OpenAI to Together completes and its lineage names the original job.
 * One server for the file; the stubs finish a job at FTM's first poll (5 s after submission).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFtmServer, type FtmServer } from '@ftm/test-support/ftm-server';
import { OpenAiStub, TogetherStub, createTogetherRequestValidator, type RecordedRequest } from '@ftm/test-support/provider-stubs';

const TOGETHER_MODEL = 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference';
const OPENAI_MODEL = 'gpt-4o-mini-2024-07-18';
const EXAMPLES = 12;

/** Every stub answers a question `question N` with `answer N`, so an eval of the fine-tuned model scores 1. */
const answer = ({ messages }: { readonly messages: readonly { role: string; content: unknown }[] }) => {
  const last = [...messages].reverse().find((m) => m.role === 'user');
  return String(last?.content ?? '').replace('question', 'answer');
};

const together = new TogetherStub({ progression: ['pending', 'completed'], chatReply: answer });
const azure = new OpenAiStub({ flavour: 'azure', progression: ['validating_files', 'succeeded'], chatReply: answer });
const openai = new OpenAiStub({ progression: ['validating_files', 'succeeded'], chatReply: answer });

let server: FtmServer | undefined;
let url = '';
let key = '';

interface Json {
  readonly [k: string]: unknown;
}
async function api<T = Json>(path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as T };
}

/** Polls `path` until `done` holds for its body (or 90 s pass). */
async function until<T extends Json>(path: string, done: (body: T) => boolean): Promise<T> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const { json } = await api<T>(path);
    if (done(json) || Date.now() > deadline) return json;
    await new Promise((r) => setTimeout(r, 250));
  }
}

const chat = (i: number) => ({
  messages: [
    { role: 'user', content: `question ${i}` },
    { role: 'assistant', content: `answer ${i}` },
  ],
});
const preference = (i: number) => ({
  input: { messages: [{ role: 'user', content: `question ${i}` }] },
  preferred_output: [{ role: 'assistant', content: `answer ${i}` }],
  non_preferred_output: [{ role: 'assistant', content: `I cannot say (${i})` }],
});

async function readyDataset(format: 'jsonl_chat' | 'jsonl_preference', baseModel: string): Promise<string> {
  const records = Array.from({ length: EXAMPLES }, (_, i) => (format === 'jsonl_chat' ? chat(i) : preference(i)));
  const created = await api<{ id: string }>('/datasets', { name: `${format} for ${baseModel}`, format, base_model: baseModel, source: { type: 'inline', records }, dedup: { near: false } });
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  const dataset = await until<{ status: string }>(`/datasets/${created.json.id}`, (d) => d.status !== 'queued' && d.status !== 'building');
  expect(dataset.status).toBe('ready');
  return created.json.id;
}

type FtJob = { id: string; status: string; provider: string; model_version_id: string | null; fine_tuned_model: string | null; retargeted_from: string | null; status_reason: string | null };
const finished = (j: FtJob) => ['completed', 'failed', 'canceled', 'blocked'].includes(j.status);

async function completedJob(body: Json): Promise<FtJob> {
  const created = await api<FtJob>('/ft-jobs', body);
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  const job = await until<FtJob>(`/ft-jobs/${created.json.id}`, finished);
  expect(job, JSON.stringify(job)).toMatchObject({ status: 'completed' });
  return job;
}

let suiteId = '';
/** Runs the suite on a registered model version and answers its score. */
async function evalScore(modelVersionId: string): Promise<number> {
  const run = await api<{ id: string }>('/eval-runs', { eval_suite_id: suiteId, model: { type: 'ft_model_version', value: modelVersionId } });
  expect(run.status, JSON.stringify(run.json)).toBe(201);
  const done = await until<{ status: string; metrics: { score: number } | null }>(`/eval-runs/${run.json.id}`, (r) => ['completed', 'failed', 'canceled', 'stopped'].includes(r.status));
  expect(done.status, JSON.stringify(done)).toBe('completed');
  return done.metrics!.score;
}

const operations = (requests: readonly RecordedRequest[]) => new Set(requests.map((r) => r.operation));

beforeAll(async () => {
  const [t, a, o] = await Promise.all([together.listen(), azure.listen(), openai.listen()]);
  server = await startFtmServer({
    FTM_TOGETHER_API_KEY: together.apiKey,
    FTM_TOGETHER_BASE_URL: t.baseUrl,
    FTM_AZURE_OPENAI_ENDPOINT: a.baseUrl,
    FTM_AZURE_OPENAI_API_KEY: azure.apiKey,
    FTM_AZURE_OPENAI_API_VERSION: '2025-04-01-preview',
    FTM_OPENAI_API_KEY: openai.apiKey,
    FTM_OPENAI_BASE_URL: o.baseUrl,
  });
  url = server.baseUrl;
  key = server.apiKey;
  const suite = await api<{ id: string }>('/eval-suites', {
    name: 'answers',
    cases: { type: 'inline', cases: Array.from({ length: 4 }, (_, i) => ({ input: { messages: [{ role: 'user', content: `question ${i}` }] }, expected_output: `answer ${i}` })) },
    graders: [{ type: 'exact_match' }],
    pass_threshold: 1,
  });
  expect(suite.status, JSON.stringify(suite.json)).toBe(201);
  suiteId = suite.json.id;
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await Promise.all([together.close(), azure.close(), openai.close()]);
});

describe('ftm start with every provider configured from the environment', () => {
  it('trains a supervised and a DPO job on Together, scores the fine-tuned model, and sends only requests Together documents', { timeout: 180_000 }, async () => {
    const [chatSet, prefSet] = await Promise.all([readyDataset('jsonl_chat', TOGETHER_MODEL), readyDataset('jsonl_preference', TOGETHER_MODEL)]);
    const [sft, dpo] = await Promise.all([
      completedJob({ dataset_id: chatSet, provider: 'together', base_model: TOGETHER_MODEL, method: 'supervised', hyperparameters: { n_epochs: 2, training_type: 'lora', lora_r: 8 }, suffix: 'sft' }),
      completedJob({ dataset_id: prefSet, provider: 'together', base_model: TOGETHER_MODEL, method: 'dpo', hyperparameters: { beta: 0.2 }, suffix: 'dpo' }),
    ]);
    expect(sft.fine_tuned_model).toMatch(/^stub-user\//);
    expect(dpo.model_version_id).not.toBeNull();
    expect(await evalScore(sft.model_version_id!)).toBe(1);

    expect(together.violations).toEqual([]);
    const validator = createTogetherRequestValidator();
    const problems = together.requests.flatMap((r) => validator.validate(r.method, r.path.replace(/^\/v1/, ''), r.headers['content-type'], r.body));
    expect(problems).toEqual([]);
    const creates = together.requests.filter((r) => r.method === 'POST' && r.path === '/v1/fine-tunes').map((r) => r.body as { training_method?: { method: string } });
    expect(creates.map((b) => b.training_method?.method).sort()).toEqual(['dpo', 'sft']);
    expect(together.requests.some((r) => r.path === '/v1/chat/completions')).toBe(true);
  });

  it('trains on Azure OpenAI with its endpoint, key and api-version, and scores the model on its deployment', { timeout: 180_000 }, async () => {
    const datasetId = await readyDataset('jsonl_chat', OPENAI_MODEL);
    const job = await completedJob({ dataset_id: datasetId, provider: 'azure_openai', base_model: OPENAI_MODEL, suffix: 'azure' });
    expect(await evalScore(job.model_version_id!)).toBe(1);
    expect(azure.requests.length).toBeGreaterThan(3);
    for (const r of azure.requests) {
      expect(r.operation, `${r.method} ${r.path}`).not.toBeNull();
      expect(r.headers['api-key']).toBe(azure.apiKey);
      expect(r.query['api-version']).toBe('2025-04-01-preview');
    }
    expect([...operations(azure.requests)]).toEqual(expect.arrayContaining(['upload', 'create', 'get', 'chat']));
  });

  it('trains on OpenAI at the configured base URL, then retargets the job to Together, whose model names the original in its lineage', { timeout: 180_000 }, async () => {
    const datasetId = await readyDataset('jsonl_chat', OPENAI_MODEL);
    const original = await completedJob({ dataset_id: datasetId, provider: 'openai', base_model: OPENAI_MODEL, hyperparameters: { n_epochs: 3, learning_rate_multiplier: 2 }, suffix: 'openai' });
    expect(await evalScore(original.model_version_id!)).toBe(1);
    expect(openai.requests.every((r) => r.operation !== null && r.headers.authorization === `Bearer ${openai.apiKey}`)).toBe(true);
    expect([...operations(openai.requests)]).toEqual(expect.arrayContaining(['upload', 'create', 'get', 'chat']));
    expect(openai.requests.filter((r) => r.operation === 'create')).toHaveLength(1);

    const moved = await api<FtJob & { hyperparameters: Json }>(`/ft-jobs/${original.id}/retarget`, { provider: 'together', model_version_name: 'support-together' });
    expect(moved.status, JSON.stringify(moved.json)).toBe(201);
    expect(moved.json).toMatchObject({ provider: 'together', retargeted_from: original.id, hyperparameters: { n_epochs: 3, learning_rate: 0.00002, training_type: 'lora' } });
    const done = await until<FtJob>(`/ft-jobs/${moved.json.id}`, finished);
    expect(done).toMatchObject({ status: 'completed', retargeted_from: original.id });
    const version = await api<{ provider: string; ft_job_id: string; dataset_id: string; metadata: Record<string, string>; retirement: unknown }>(`/model-versions/${done.model_version_id}`);
    expect(version.json).toMatchObject({ provider: 'together', ft_job_id: done.id, dataset_id: datasetId, metadata: { retargeted_from_ft_job_id: original.id }, retirement: null });
    const before = await api<{ retirement: { kind: string; date: string } | null }>(`/model-versions/${original.model_version_id}`);
    expect(before.json.retirement).toMatchObject({ kind: 'fine_tuning_ends', date: '2027-01-06' });
    expect(together.violations).toEqual([]);
  });
});
