import { describe, expect, it } from 'vitest';
import { OpenAiChatRunner } from '../../src/adapters/openai/chat-runner.js';
import { createModelRunnerRegistry } from '../../src/runners/runner-registry.js';
import { createProviderResolver } from '../../src/adapters/provider-resolver.js';
import { AdapterCache, type ProviderCredentialLookup, type ScopedCredential } from '../../src/providers/provider-credentials.js';
import type { ModelRunner } from '../../src/runners/model-runner.js';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DB } from '../../src/db/schema.js';
import { ManualClock } from '../../src/shared/clock.js';

/** Credentials "stored" per `<tenant>` or `<tenant>/<project>`, the port the encrypted store implements. */
function lookup(stored: Record<string, string>): ProviderCredentialLookup {
  return {
    find: async (_provider, scope): Promise<ScopedCredential | null> => {
      const project = scope.projectId ? stored[`${scope.tenantId}/${scope.projectId}`] : undefined;
      if (project) return { credential: { apiKey: project }, source: 'project' };
      const tenant = stored[scope.tenantId];
      return tenant ? { credential: { apiKey: tenant }, source: 'tenant' } : null;
    },
  };
}

const simulated: ModelRunner = { name: 'simulated', complete: async () => ({ content: 'x', toolCalls: [], usage: { inputTokens: 0, outputTokens: 0 }, latencyMs: 0, model: 'x' }) };
const completion = {
  id: 'c',
  object: 'chat.completion',
  model: 'gpt-4o-mini',
  choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'ok' } }],
  usage: { prompt_tokens: 1, completion_tokens: 1 },
};

/** A runner registry whose OpenAI runner records the bearer token of each call. */
function registry(stored: Record<string, string>, serverKey: string | null) {
  const seen: string[] = [];
  const fetch: typeof globalThis.fetch = async (_url, init) => {
    seen.push(new Headers(init?.headers).get('authorization') ?? '');
    return new Response(JSON.stringify(completion), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  const runners = createModelRunnerRegistry(
    { simulated },
    {
      endpoints: { openai: { defaultCredential: serverKey ? { apiKey: serverKey } : null, create: (c) => new OpenAiChatRunner({ ...c, fetch }) } },
      credentials: lookup(stored),
    },
  );
  const call = async (tenantId: string, projectId: string | null) => {
    const runner = await runners.resolve('openai', { tenantId, projectId });
    await runner.complete({ id: 'gpt-4o-mini', provider: 'openai' }, { messages: [{ role: 'user', content: 'hi' }] });
    return seen.at(-1);
  };
  return { runners, call };
}

describe('eval runners with stored credentials', () => {
  it('uses the project key, then the tenant key, then the server key', async () => {
    const { call } = registry({ t1: 'sk-tenant', 't1/p1': 'sk-project' }, 'sk-server');
    expect(await call('t1', 'p1')).toBe('Bearer sk-project');
    expect(await call('t1', 'p2')).toBe('Bearer sk-tenant');
    expect(await call('t1', null)).toBe('Bearer sk-tenant');
    expect(await call('t2', 'p9')).toBe('Bearer sk-server');
  });

  it('refuses a scope without any credential with provider_not_configured, and an unknown provider as a validation error', async () => {
    const { runners } = registry({ t1: 'sk-tenant' }, null);
    await expect(runners.resolve('openai', { tenantId: 't2', projectId: null })).rejects.toMatchObject({ code: 'provider_not_configured' });
    await expect(runners.resolve('together', { tenantId: 't1', projectId: null })).rejects.toMatchObject({ code: 'validation_failed' });
    expect(runners.defaultProvider).toBe('simulated');
    expect(registry({}, 'sk-server').runners.defaultProvider).toBe('openai');
  });
});

describe('fine-tuning providers with stored credentials', () => {
  // The resolver builds the simulated provider, which only touches its database when called: none is.
  const simulatedOptions = { db: new Kysely<DB>({ dialect: new PostgresDialect({ pool: new pg.Pool({ max: 1 }) }) }), clock: new ManualClock() };

  it('puts stored credentials before keys configured in code, and those before the server key', async () => {
    const seen: string[] = [];
    const fetch: typeof globalThis.fetch = async (_url, init) => {
      seen.push(new Headers(init?.headers).get('authorization') ?? '');
      return new Response(JSON.stringify({ id: 'file-1', object: 'file', bytes: 3, created_at: 1, filename: 'f', purpose: 'fine-tune' }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    };
    const resolver = createProviderResolver({
      openai: { defaultApiKey: 'sk-server', keys: { t1: 'sk-configured', t3: 'sk-configured-t3' }, fetch },
      credentials: lookup({ t1: 'sk-stored' }),
      simulated: simulatedOptions,
    });
    const keyFor = async (tenantId: string) => {
      await (await resolver.resolve('openai', { tenantId, projectId: null })).uploadTrainingFile({ open: async () => [Buffer.from('{}\n')] }, { filename: 'f.jsonl' });
      return seen.at(-1);
    };
    expect(await keyFor('t1')).toBe('Bearer sk-stored');
    expect(await keyFor('t3')).toBe('Bearer sk-configured-t3');
    expect(await keyFor('t9')).toBe('Bearer sk-server');
  });

  it('describes every provider without a credential, Azure without OpenAI retirement or webhooks', () => {
    const resolver = createProviderResolver({ openai: {}, azureOpenai: { baseUrl: 'https://r.openai.azure.com/openai', apiVersion: 'v1' }, simulated: simulatedOptions });
    expect(resolver.describe().map((d) => [d.name, d.hasServerCredential])).toEqual([
      ['simulated', true],
      ['openai', false],
      ['azure_openai', false],
    ]);
    expect(resolver.describe('openai').capabilities.retirement?.newJobsEndOn).toBe('2027-01-06');
    expect(resolver.describe('azure_openai').capabilities).toMatchObject({ retirement: null, webhooks: false, provider: 'azure_openai' });
    expect(() => resolver.describe('nope')).toThrow(/unknown or unconfigured provider nope/);
    expect(resolver.defaultProvider).toBe('simulated');
  });
});

describe('AdapterCache', () => {
  it('builds one adapter per credential and forgets the oldest past its size', () => {
    const cache = new AdapterCache<object>(2);
    let built = 0;
    const make = () => ({ n: ++built });
    const a = cache.get('openai', { apiKey: 'a' }, make);
    expect(cache.get('openai', { apiKey: 'a' }, make)).toBe(a);
    expect(cache.get('openai', { apiKey: 'a', project: 'proj_x' }, make)).not.toBe(a);
    cache.get('openai', { apiKey: 'c' }, make);
    expect(cache.get('openai', { apiKey: 'a' }, make)).not.toBe(a);
    expect(built).toBe(4);
  });
});
