import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OrchestratorTraceClient } from '../../src/adapters/orchestrator/trace-client.js';
import { traceSourceLines } from '../../src/datasets/build/build-sources.js';
import { validateExample } from '../../src/datasets/build/example-validator.js';
import { traceToChatExample } from '../../src/datasets/build/trace-mapping.js';
import type { Trace } from '../../src/datasets/trace-source.js';
import { DependencyUnavailableError } from '../../src/shared/errors.js';

const BASE = 'https://orchestrator.test';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const trace = (i: number, extra: Partial<Trace> = {}): Trace => ({
  id: `tr_${i}`,
  assistant_id: 'asst_1',
  project_id: 'proj_1',
  created_at: '2026-01-01T00:00:00Z',
  messages: [
    { role: 'user', content: `question ${i}` },
    { role: 'assistant', content: `answer ${i}` },
  ],
  ...extra,
});
const client = (pageSize = 2) => new OrchestratorTraceClient({ baseUrl: BASE, apiKey: 'orch-key', pageSize, sleep: async () => {}, retry: { maxAttempts: 2 } });

describe('traceToChatExample', () => {
  it('maps system, user, assistant turns, tool calls and tool results to a valid chat example', () => {
    const example = traceToChatExample({
      id: 't',
      created_at: '2026-01-01T00:00:00Z',
      rating: 5,
      tags: ['good'],
      metadata: { channel: 'web' },
      tools: [{ type: 'function', function: { name: 'lookup_order', parameters: { type: 'object', properties: {} } } }],
      messages: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: 'Where is order 42?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'lookup_order', arguments: { id: 42 } } }] },
        { role: 'tool', tool_call_id: 'call_9', content: { status: 'shipped' } },
        { role: 'assistant', content: 'It shipped yesterday.' },
        { role: 'user', content: 'thanks' },
      ],
    });
    expect(example).toEqual({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Where is order 42?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'lookup_order', arguments: '{"id":42}' } }] },
        { role: 'tool', content: '{"status":"shipped"}', tool_call_id: 'call_9' },
        { role: 'assistant', content: 'It shipped yesterday.' },
      ],
      tools: [{ type: 'function', function: { name: 'lookup_order', parameters: { type: 'object', properties: {} } } }],
    });
    expect(validateExample(example, 'jsonl_chat')).toBeNull();
  });

  it('leaves a trace without an assistant turn invalid rather than inventing one', () => {
    const example = traceToChatExample(trace(1, { messages: [{ role: 'user', content: 'hello?' }] }));
    expect(validateExample(example, 'jsonl_chat')).toBe('example_missing_assistant_message');
  });
});

describe('OrchestratorTraceClient', () => {
  it('pages with the cursor and sends the filters and the bearer key', async () => {
    const seen: URLSearchParams[] = [];
    let auth: string | null = null;
    server.use(
      http.get(`${BASE}/v1/traces`, ({ request }) => {
        const url = new URL(request.url);
        seen.push(url.searchParams);
        auth = request.headers.get('authorization');
        const cursor = url.searchParams.get('cursor');
        if (!cursor) return HttpResponse.json({ data: [trace(1), trace(2)], next_cursor: 'c2' });
        return HttpResponse.json({ data: [trace(3)], next_cursor: null });
      }),
    );
    const lines = [];
    for await (const l of traceSourceLines(client(), { project_id: 'proj_1', assistant_id: 'asst_1', since: '2026-01-01T00:00:00Z', tags: ['a', 'b'], min_rating: 4 })) lines.push(l);
    expect(lines.map((l) => l.line)).toEqual([1, 2, 3]);
    expect(JSON.parse(lines[2]!.text).messages[1].content).toBe('answer 3');
    expect(auth).toBe('Bearer orch-key');
    expect(Object.fromEntries(seen[0]!)).toEqual({ assistant_id: 'asst_1', project_id: 'proj_1', since: '2026-01-01T00:00:00Z', tags: 'a,b', min_rating: '4', limit: '2' });
    expect(seen[1]!.get('cursor')).toBe('c2');
  });

  it('stops at max_records', async () => {
    server.use(http.get(`${BASE}/v1/traces`, () => HttpResponse.json({ data: [trace(1), trace(2)], next_cursor: 'more' })));
    const ids = [];
    for await (const t of client(2).listTraces({ max_records: 3 })) ids.push(t.id);
    expect(ids).toHaveLength(3);
  });

  it('retries a failing page and then succeeds', async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/v1/traces`, () => {
        calls += 1;
        return calls === 1 ? new HttpResponse(null, { status: 503 }) : HttpResponse.json({ data: [trace(1)], next_cursor: null });
      }),
    );
    const ids = [];
    for await (const t of client().listTraces({})) ids.push(t.id);
    expect(ids).toEqual(['tr_1']);
    expect(calls).toBe(2);
  });

  it('reports the Orchestrator as unavailable when a page has the wrong shape', async () => {
    server.use(http.get(`${BASE}/v1/traces`, () => HttpResponse.json({ traces: [] })));
    const iterate = async () => {
      for await (const _ of client().listTraces({})) void _;
    };
    await expect(iterate()).rejects.toBeInstanceOf(DependencyUnavailableError);
  });

  it('refuses a cursor that repeats instead of paging forever', async () => {
    server.use(http.get(`${BASE}/v1/traces`, () => HttpResponse.json({ data: [trace(1)], next_cursor: 'same' })));
    const iterate = async () => {
      for await (const _ of client().listTraces({})) void _;
    };
    await expect(iterate()).rejects.toBeInstanceOf(DependencyUnavailableError);
  });
});
