/**
 * The provider variables reach every consumer the way `ftm start` wires them (openRuntime, the app,
 * the worker): fine-tuning, eval runners, embeddings and the OpenAI webhook route.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { Webhook } from 'standardwebhooks';
import { uuidv7, type Ftm } from '@ftm/core';
import type { FtmWorker } from '@ftm/worker';
import { loadConfig } from '../src/config.js';
import { buildApp } from '../src/app.js';
import { createLogger } from '../src/http/logger.js';
import { openRuntime } from '../src/runtime/open-runtime.js';
import { startWorker } from '../src/runtime/start-worker.js';
import { startRecordingOpenAiStub, type RecordingOpenAiStub } from './support/recording-openai-stub.js';
import { createPostgresTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { TogetherStub } from '@ftm/test-support/provider-stubs';

const WHSEC = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
const logger = createLogger({ level: 'silent' });

let stub: RecordingOpenAiStub;
const together = new TogetherStub({ apiKey: 'together-server-key' });
let database: TestDatabase;
let dir: string;
let ftm: Ftm;
let app: FastifyInstance;
let worker: FtmWorker | undefined;
let adminKey: string;
let tenantId: string;

const api = (options: InjectOptions) =>
  app.inject({ ...options, headers: { authorization: `Bearer ${adminKey}`, ...(options.method === 'POST' ? { 'idempotency-key': uuidv7() } : {}), ...(options.headers as Record<string, string>) } });

beforeAll(async () => {
  stub = await startRecordingOpenAiStub();
  const togetherUrl = (await together.listen()).baseUrl;
  dir = await mkdtemp(join(tmpdir(), 'ftm-provider-settings-'));
  // PostgreSQL rather than the embedded PGlite: the same wiring, a much faster start.
  database = await createPostgresTestDatabase();
  const config = loadConfig({
    FTM_DATA_DIR: dir,
    FTM_DATABASE_URL: database.url,
    FTM_OPENAI_API_KEY: 'sk-server-default',
    FTM_OPENAI_BASE_URL: `${stub.url}/v1/`,
    FTM_OPENAI_ORGANIZATION: 'org-acme',
    FTM_OPENAI_PROJECT: 'proj_support',
    FTM_OPENAI_WEBHOOK_SECRET: WHSEC,
    FTM_AZURE_OPENAI_ENDPOINT: `${stub.url}/azure`,
    FTM_AZURE_OPENAI_API_KEY: 'azure-server-key',
    FTM_AZURE_OPENAI_API_VERSION: '2025-04-01-preview',
    FTM_TOGETHER_API_KEY: 'together-server-key',
    FTM_TOGETHER_BASE_URL: togetherUrl,
  });
  ftm = await openRuntime(config, logger, { migrate: true });
  app = await buildApp({ config, ftm, logger });
  await app.ready();
  const boot = await ftm.auth.ensureBootstrap();
  if (!boot.created) throw new Error('expected a fresh data directory');
  adminKey = boot.adminKey.secret;
  tenantId = boot.tenantId;
  worker = startWorker(ftm, config);
});

afterAll(async () => {
  await worker?.stop(5_000);
  await app?.close();
  await ftm?.close();
  await stub?.close();
  await together.close();
  await database?.dispose();
  await rm(dir, { recursive: true, force: true });
});

const trainingFile = { open: async () => [Buffer.from('{"messages":[]}\n')] };

describe('provider settings as ftm start wires them', () => {
  it('verifies OpenAI webhooks with FTM_OPENAI_WEBHOOK_SECRET instead of answering 404', async () => {
    const body = JSON.stringify({ id: 'evt_1', object: 'event', type: 'fine_tuning.job.succeeded', created_at: 1_765_000_000, data: { id: 'ftjob-unknown' } });
    const headers = { 'content-type': 'application/json', 'webhook-id': 'msg_1', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)) };
    const signed = await app.inject({
      method: 'POST',
      url: '/provider-webhooks/openai',
      payload: body,
      headers: { ...headers, 'webhook-signature': new Webhook(WHSEC).sign('msg_1', new Date(), body) },
    });
    expect([signed.statusCode, signed.json()]).toEqual([200, { received: true }]);
    const forged = await app.inject({ method: 'POST', url: '/provider-webhooks/openai', payload: body, headers: { ...headers, 'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')}` } });
    expect(forged.statusCode).toBe(400);
  });

  it('sends OpenAI fine-tuning requests to the configured base URL with organization and project', async () => {
    const provider = await ftm.fineTuning.providers.resolve('openai', { tenantId, projectId: null });
    await provider.uploadTrainingFile(trainingFile, { filename: 'train.jsonl' });
    const upload = stub.requests.findLast((r) => r.path === '/v1/files')!;
    expect(upload.headers).toMatchObject({ authorization: 'Bearer sk-server-default', 'openai-organization': 'org-acme', 'openai-project': 'proj_support' });
  });

  it('registers azure_openai on the endpoint, with its api-key header and api-version', async () => {
    expect(ftm.fineTuning.providers.names()).toEqual(expect.arrayContaining(['simulated', 'openai', 'azure_openai']));
    const provider = await ftm.fineTuning.providers.resolve('azure_openai', { tenantId, projectId: null });
    await provider.uploadTrainingFile(trainingFile, { filename: 'train.jsonl' });
    const upload = stub.requests.findLast((r) => r.path === '/azure/openai/files')!;
    expect(upload.headers['api-key']).toBe('azure-server-key');
    expect(upload.headers.authorization).toBeUndefined();
    expect(upload.query.get('api-version')).toBe('2025-04-01-preview');
  });

  it('embeds eval cases and runs eval models on the configured OpenAI endpoint', async () => {
    const ask = (content: string) => ({ messages: [{ role: 'user', content }] });
    const suite = await api({
      method: 'POST',
      url: '/eval-suites',
      payload: {
        name: `wiring-${uuidv7()}`,
        cases: { type: 'inline', cases: [{ input: ask('What is 2+2?') }, { input: ask('What is 3+1?') }] },
        selection_strategy: { type: 'vector_retrieval', query: 'arithmetic', top_k: 2 },
        graders: [{ type: 'contains', values: ['4'] }],
        pass_threshold: 1,
      },
    });
    expect(suite.statusCode, suite.body).toBe(201);
    const embed = stub.requests.find((r) => r.path === '/v1/embeddings')!;
    expect(embed.headers).toMatchObject({ authorization: 'Bearer sk-server-default', 'openai-organization': 'org-acme', 'openai-project': 'proj_support' });

    const run = await api({ method: 'POST', url: '/eval-runs', payload: { eval_suite_id: suite.json().id, model: { type: 'base_model', value: 'gpt-4o-mini' } } });
    expect(run.statusCode).toBe(201);
    let finished: { status: string; metrics?: { score?: number } } | undefined;
    for (let i = 0; i < 200 && !finished; i++) {
      const current = (await api({ url: `/eval-runs/${run.json().id}` })).json();
      if (['completed', 'failed', 'stopped'].includes(current.status)) finished = current;
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect(finished?.status).toBe('completed');
    const chats = stub.requests.filter((r) => r.path === '/v1/chat/completions');
    expect(chats).toHaveLength(2);
    expect(chats.every((c) => JSON.parse(c.body).model === 'gpt-4o-mini' && c.headers['openai-project'] === 'proj_support')).toBe(true);
  });

  it('registers together on FTM_TOGETHER_BASE_URL with FTM_TOGETHER_API_KEY, for fine-tuning and eval runs', async () => {
    expect(ftm.fineTuning.providers.names()).toContain('together');
    const provider = await ftm.fineTuning.providers.resolve('together', { tenantId, projectId: null });
    const file = await provider.uploadTrainingFile(trainingFile, { filename: 'train.jsonl' });
    expect(together.files.has(file.id)).toBe(true);

    const suite = await api({
      method: 'POST',
      url: '/eval-suites',
      payload: {
        name: `together-${uuidv7()}`,
        cases: { type: 'inline', cases: [{ input: { messages: [{ role: 'user', content: 'Say ok' }] } }] },
        graders: [{ type: 'contains', values: ['ok'] }],
        pass_threshold: 1,
      },
    });
    expect(suite.statusCode, suite.body).toBe(201);
    const model = { type: 'provider_model_id', value: 'stub-user/Meta-Llama-3.1-8B-Instruct-Reference-ftm-1', provider: 'together' };
    const run = await api({ method: 'POST', url: '/eval-runs', payload: { eval_suite_id: suite.json().id, model } });
    expect(run.statusCode, run.body).toBe(201);
    let finished: { status: string; metrics?: { score?: number } } | undefined;
    for (let i = 0; i < 200 && !finished; i++) {
      const current = (await api({ url: `/eval-runs/${run.json().id}` })).json();
      if (['completed', 'failed', 'stopped'].includes(current.status)) finished = current;
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect(finished).toMatchObject({ status: 'completed', metrics: { score: 1 } });
    expect(together.requests.filter((r) => r.operation === 'POST /chat/completions')).toHaveLength(1);
    expect(together.violations).toEqual([]);
  });
});
