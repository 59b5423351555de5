import { afterAll, beforeAll } from 'vitest';
import OpenAI from 'openai';
import { sql } from 'kysely';
import { OpenAiStub, TogetherStub, openAiWebhookEvent, signOpenAiWebhook, type OpenAiStubOptions } from '@ftm/test-support/provider-stubs';
import { createPostgresTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { describeProviderConformance, type ProviderConformanceHarness } from './provider-conformance.js';
import { OpenAiFineTuneProvider } from '../../src/adapters/openai/openai-fine-tune-provider.js';
import { parseOpenAiWebhook } from '../../src/adapters/openai/openai-webhook-event.js';
import { TogetherFineTuneProvider } from '../../src/adapters/together/together-fine-tune-provider.js';
import { SIMULATE_FAILURE_METADATA_KEY, SimulatedFineTuneProvider } from '../../src/adapters/simulated/simulated-fine-tune-provider.js';
import { verifyStandardWebhook } from '../../src/webhooks/standard-webhooks.js';
import { ManualClock } from '../../src/shared/clock.js';

const noSleep = async () => {};
const WHSEC = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
const stubs = { openai: new OpenAiStub(), azure: new OpenAiStub({ flavour: 'azure' }), together: new TogetherStub() };
const urls = { openai: '', azure: '', together: '' };
let t: TestDatabase;
const clock = new ManualClock('2026-06-01T00:00:00Z');

beforeAll(async () => {
  t = await createPostgresTestDatabase();
  urls.openai = (await stubs.openai.listen()).baseUrl;
  urls.azure = `${(await stubs.azure.listen()).baseUrl}/openai`;
  urls.together = (await stubs.together.listen()).baseUrl;
});
afterAll(async () => {
  await Promise.all(Object.values(stubs).map((s) => s.close()));
  await t?.dispose();
});

const simulated = (rateLimitedCalls = 0) =>
  new SimulatedFineTuneProvider({ db: t.database.db, clock, timings: { validatingMs: 1_000, queuedMs: 1_000, runningMs: 3_000 }, failures: { rateLimitedCalls } });

describeProviderConformance({
  name: 'simulated',
  model: 'gpt-4o-mini-2024-07-18',
  provider: () => simulated(),
  advance: async () => clock.advance(1_000),
  failNextJob: () => ({ metadata: { [SIMULATE_FAILURE_METADATA_KEY]: 'running' } }),
  rateLimited: () => simulated(1),
  reportsRetryAfter: false,
  jobCount: async () => Number((await sql<{ n: string }>`select count(*) as n from ftm_simulated.jobs`.execute(t.database.db)).rows[0]!.n),
});

function openAiHarness(name: 'openai' | 'azure_openai', stub: OpenAiStub, flavour: OpenAiStubOptions['flavour']): ProviderConformanceHarness {
  const make = (apiKey: string) =>
    new OpenAiFineTuneProvider(
      flavour === 'azure'
        ? { name, apiKey, baseUrl: urls.azure, authHeader: 'api-key', apiVersion: '2025-04-01-preview', capabilities: { retirement: null, webhooks: false }, sleep: noSleep }
        : { name, apiKey, baseUrl: urls.openai, sleep: noSleep },
    );
  return {
    name,
    model: 'gpt-4o-mini-2024-07-18',
    provider: () => make(stub.apiKey),
    unauthorized: () => make('wrong-key'),
    advance: async () => {},
    failNextJob: () => (stub.failNextJob('invalid file format: line 3'), {}),
    rateLimited: (sec) => (stub.faults.push('get', ...Array.from({ length: 4 }, () => ({ status: 429, retryAfterSec: sec }))), make(stub.apiKey)),
    reportsRetryAfter: true,
    createThen500: () => stub.faults.push('create', { status: 500, afterEffect: true }),
    jobCount: async () => stub.jobs.size,
    ...(flavour === 'openai'
      ? {
          webhook: {
            sign: (jobId: string) => {
              const body = openAiWebhookEvent('fine_tuning.job.succeeded', jobId);
              return { body, headers: signOpenAiWebhook(WHSEC, body) };
            },
            // Both verifiers must accept it: the openai package's own, and FTM's that the route uses.
            check: async (body: string, headers: Record<string, string>) => {
              const event = await new OpenAI({ apiKey: 'unused', webhookSecret: WHSEC }).webhooks.unwrap(body, headers);
              verifyStandardWebhook(body, headers, [WHSEC]);
              const parsed = parseOpenAiWebhook(body);
              if (!parsed || !('id' in event.data) || parsed.providerJobId !== event.data.id) throw new Error('verifiers disagree');
              return parsed.providerJobId;
            },
          },
        }
      : {}),
  };
}

describeProviderConformance(openAiHarness('openai', stubs.openai, 'openai'));
describeProviderConformance(openAiHarness('azure_openai', stubs.azure, 'azure'));

const together = (apiKey: string) => new TogetherFineTuneProvider({ apiKey, baseUrl: urls.together, sleep: noSleep });
describeProviderConformance({
  name: 'together',
  model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference',
  provider: () => together(stubs.together.apiKey),
  unauthorized: () => together('wrong-key'),
  advance: async () => {},
  failNextJob: () => (stubs.together.failNextJob('training data has malformed lines'), {}),
  rateLimited: (sec) => (stubs.together.faults.push('get', ...Array.from({ length: 4 }, () => ({ status: 429, retryAfterSec: sec }))), together(stubs.together.apiKey)),
  reportsRetryAfter: true,
  createThen500: () => stubs.together.faults.push('create', { status: 500, afterEffect: true }),
  jobCount: async () => stubs.together.jobs.size,
});
