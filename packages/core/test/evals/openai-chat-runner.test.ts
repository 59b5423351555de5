import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { OpenAiChatRunner } from '../../src/adapters/openai/chat-runner.js';
import { ProviderRequestError } from '../../src/providers/provider-errors.js';
import { DependencyUnavailableError, RateLimitedError } from '../../src/shared/errors.js';

const API = 'https://api.openai.test/v1';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const MODEL = { id: 'gpt-4o-mini-2024-07-18', provider: 'openai' };

/** A chat.completion object field for field as in OpenAI's API reference. */
function completion(message: Record<string, unknown>, overrides: Record<string, unknown> = {}) {
  return {
    id: 'chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG',
    object: 'chat.completion',
    created: 1741570283,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: null, annotations: [], ...message }, logprobs: null, finish_reason: message.tool_calls ? 'tool_calls' : 'stop' }],
    usage: {
      prompt_tokens: 82,
      completion_tokens: 17,
      total_tokens: 99,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    },
    service_tier: 'default',
    system_fingerprint: 'fp_06737a9306',
    ...overrides,
  };
}

const errorBody = (message: string, type: string, code: string | null = null) => ({ error: { message, type, param: null, code } });

function runner(sleeps: number[] = []) {
  let t = 0;
  return new OpenAiChatRunner({ apiKey: 'sk-test-abcdefghijklmnop', baseUrl: API, sleep: async (ms) => void sleeps.push(ms), now: () => (t += 250) });
}

describe('OpenAiChatRunner', () => {
  it('sends tools, response_format and params, and reads text, tool calls, usage and latency', async () => {
    let body: Record<string, unknown> = {};
    let auth: string | null = null;
    server.use(
      http.post(`${API}/chat/completions`, async ({ request }) => {
        body = (await request.json()) as Record<string, unknown>;
        auth = request.headers.get('authorization');
        return HttpResponse.json(completion({ tool_calls: [{ id: 'call_abc', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }] }));
      }),
    );
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } }];
    const out = await runner().complete(MODEL, {
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools,
      responseFormat: { type: 'json_object' },
      params: { temperature: 0, max_tokens: 64, seed: 7, top_p: 1 },
    });
    expect(auth).toBe('Bearer sk-test-abcdefghijklmnop');
    expect(body).toEqual({
      model: MODEL.id,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools,
      response_format: { type: 'json_object' },
      temperature: 0,
      top_p: 1,
      seed: 7,
      max_completion_tokens: 64,
    });
    expect(out).toEqual({
      content: null,
      toolCalls: [{ id: 'call_abc', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }],
      usage: { inputTokens: 82, outputTokens: 17 },
      latencyMs: 250,
      model: 'gpt-4o-mini-2024-07-18',
    });
  });

  it('retries a 429 after its Retry-After, then answers', async () => {
    let calls = 0;
    server.use(
      http.post(`${API}/chat/completions`, () => {
        calls += 1;
        if (calls === 1) return HttpResponse.json(errorBody('Rate limit reached for gpt-4o-mini', 'requests', 'rate_limit_exceeded'), { status: 429, headers: { 'retry-after': '2' } });
        return HttpResponse.json(completion({ content: 'Hello!' }));
      }),
    );
    const sleeps: number[] = [];
    const out = await runner(sleeps).complete(MODEL, { messages: [{ role: 'user', content: 'hi' }] });
    expect(out.content).toBe('Hello!');
    expect(calls).toBe(2);
    expect(sleeps).toEqual([2000]);
  });

  it('retries server errors, and says the provider is unavailable when they persist', async () => {
    let calls = 0;
    server.use(
      http.post(`${API}/chat/completions`, () => {
        calls += 1;
        return HttpResponse.json(errorBody('The server had an error while processing your request.', 'server_error'), { status: 500 });
      }),
    );
    await expect(runner().complete(MODEL, { messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(DependencyUnavailableError);
    expect(calls).toBe(4);
  });

  it('surfaces a persistent 429 as RateLimitedError with its Retry-After', async () => {
    server.use(http.post(`${API}/chat/completions`, () => HttpResponse.json(errorBody('slow down', 'requests', 'rate_limit_exceeded'), { status: 429, headers: { 'retry-after': '3' } })));
    const error = await runner()
      .complete(MODEL, { messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterSec).toBe(3);
  });

  it('does not retry a refused request and keeps the key out of the message', async () => {
    let calls = 0;
    server.use(
      http.post(`${API}/chat/completions`, () => {
        calls += 1;
        return HttpResponse.json(errorBody('Incorrect API key provided: sk-test-abcdefghijklmnop.', 'invalid_request_error', 'invalid_api_key'), { status: 401 });
      }),
    );
    const error = await runner()
      .complete(MODEL, { messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderRequestError);
    expect((error as ProviderRequestError).providerCode).toBe('invalid_api_key');
    expect((error as Error).message).not.toContain('abcdefghijklmnop');
    expect(calls).toBe(1);
  });

  it('refuses an answer that is not a chat completion object', async () => {
    server.use(http.post(`${API}/chat/completions`, () => HttpResponse.json({ choices: [] })));
    await expect(runner().complete(MODEL, { messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(ProviderRequestError);
  });
});
