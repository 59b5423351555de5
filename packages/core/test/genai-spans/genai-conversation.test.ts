import { beforeAll, describe, expect, it } from 'vitest';
import { extractGenAiSpan, filterAttributes, type GenAiSpanRecord } from '../../src/genai-spans/genai-span-record.js';
import { isInferenceSpan } from '../../src/genai-spans/inference-operation.js';
import { decodeJsonTraceRequest } from '../../src/genai-spans/otlp/decode-json-trace-request.js';
import { decodeProtobufTraceRequest } from '../../src/genai-spans/otlp/decode-protobuf-trace-request.js';
import type { OtlpSpan } from '../../src/genai-spans/otlp/otlp-span.js';
import { validateExample } from '../../src/datasets/build/example-validator.js';
import { recordGenAiTraffic } from './support/genai-traffic.js';
import { otlpBodies, recordSpans } from './support/otlp-bodies.js';

const receivedAt = new Date('2026-12-07T00:00:00Z');

function span(attributes: Record<string, unknown>, events: OtlpSpan['events'] = [], statusCode = 0): OtlpSpan {
  return {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    parentSpanId: '',
    name: 'chat',
    kind: 3,
    startTimeMs: Date.parse('2026-12-01T00:00:00Z'),
    endTimeMs: Date.parse('2026-12-01T00:00:01Z'),
    attributes: attributes as OtlpSpan['attributes'],
    events,
    statusCode,
    resource: { 'service.name': 'svc' },
    scopeName: 'test',
  };
}

function kept(s: OtlpSpan): GenAiSpanRecord {
  const extraction = extractGenAiSpan(s, receivedAt);
  if (extraction.kind !== 'kept') throw new Error(`expected a kept span, got ${JSON.stringify(extraction)}`);
  return extraction.record;
}

describe('GenAI conversations from the three recorded forms', () => {
  let records: Map<string, GenAiSpanRecord>;
  beforeAll(async () => {
    const { protobuf } = otlpBodies(await recordSpans((tracer) => recordGenAiTraffic(tracer, 7)));
    records = new Map();
    for (const s of decodeProtobufTraceRequest(protobuf, isInferenceSpan).spans) {
      const e = extractGenAiSpan(s, receivedAt);
      if (e.kind === 'kept') records.set(e.record.requestModel!, e.record);
    }
  });

  it('reads the current conventions: instructions, a tool call and its result, the reply, the tools', () => {
    const r = records.get('gpt-4o-mini')!;
    expect(r.example).toEqual({
      messages: [
        { role: 'system', content: 'You are a weather assistant.' },
        { role: 'user', content: 'Weather in Paris for trip 7? Mail jane.doe7@example.com, SSN 219-09-9999.' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_w7', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_w7', content: 'rainy, 57°F' },
        { role: 'assistant', content: 'Trip 7: rainy in Paris, 57°F. Take an umbrella.' },
      ],
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', description: 'Current weather of a city', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } },
        },
      ],
    });
    expect(r).toMatchObject({ operation: 'chat', provider: 'openai', responseModel: 'gpt-4o-mini-2024-07-18', finishReasons: ['stop'], inputTokens: 127, outputTokens: 30, serviceName: 'checkout' });
    expect(r.attributes).toEqual({
      'app.user.tier': 'pro',
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.usage.input_tokens': 127,
      'gen_ai.usage.output_tokens': 30,
    });
    expect(validateExample(r.example, 'jsonl_chat')).toBeNull();
  });

  it('reads the v1.36 event form: messages, then the choice calling a tool', () => {
    const r = records.get('claude-3-5-haiku')!;
    expect(r.example).toEqual({
      messages: [
        { role: 'system', content: 'You book tables.' },
        { role: 'user', content: 'Book table 7 for two; call me on +1 415 555 0132.' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_7', type: 'function', function: { name: 'book_table', arguments: '{"party":2,"ref":7}' } }] },
      ],
    });
    expect(r).toMatchObject({ provider: 'anthropic', finishReasons: ['tool_calls'], inputTokens: 80, outputTokens: 12 });
    expect(validateExample(r.example, 'jsonl_chat')).toBeNull();
  });

  it('reads the indexed attributes: prompts, the first completion, functions as tools', () => {
    const r = records.get('gpt-4.1-mini')!;
    expect(r.example).toEqual({
      messages: [
        { role: 'system', content: 'Answer in one word.' },
        { role: 'user', content: 'Capital of France, question 7?' },
        { role: 'assistant', content: 'Paris (7).' },
      ],
      tools: [{ type: 'function', function: { name: 'lookup_capital', description: 'Looks a capital up', parameters: { type: 'object', properties: { country: { type: 'string' } } } } }],
    });
    expect(r).toMatchObject({ operation: 'chat', provider: 'openai', finishReasons: ['stop'], inputTokens: 40, outputTokens: 9 });
    expect(Object.keys(r.attributes).some((k) => k.startsWith('gen_ai.prompt') || k.startsWith('llm.request.functions'))).toBe(false);
  });

  it('reads structured (kvlist) message attributes as well as JSON text', () => {
    const decoded = decodeJsonTraceRequest(
      {
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: '0af7651916cd43dd8448eb211c80319c',
                    spanId: 'b7ad6b7169203331',
                    attributes: [
                      { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
                      {
                        key: 'gen_ai.input.messages',
                        value: {
                          arrayValue: {
                            values: [
                              {
                                kvlistValue: {
                                  values: [
                                    { key: 'role', value: { stringValue: 'user' } },
                                    {
                                      key: 'parts',
                                      value: {
                                        arrayValue: {
                                          values: [
                                            {
                                              kvlistValue: {
                                                values: [
                                                  { key: 'type', value: { stringValue: 'text' } },
                                                  { key: 'content', value: { stringValue: 'Hi' } },
                                                ],
                                              },
                                            },
                                          ],
                                        },
                                      },
                                    },
                                  ],
                                },
                              },
                            ],
                          },
                        },
                      },
                      {
                        key: 'gen_ai.output.messages',
                        value: {
                          arrayValue: {
                            values: [
                              {
                                kvlistValue: {
                                  values: [
                                    { key: 'role', value: { stringValue: 'assistant' } },
                                    { key: 'finish_reason', value: { stringValue: 'stop' } },
                                    {
                                      key: 'parts',
                                      value: {
                                        arrayValue: {
                                          values: [
                                            {
                                              kvlistValue: {
                                                values: [
                                                  { key: 'type', value: { stringValue: 'text' } },
                                                  { key: 'content', value: { stringValue: 'Hello!' } },
                                                ],
                                              },
                                            },
                                          ],
                                        },
                                      },
                                    },
                                  ],
                                },
                              },
                            ],
                          },
                        },
                      },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
      isInferenceSpan,
    );
    const r = kept(decoded.spans[0]!);
    expect(r.example).toEqual({
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello!' },
      ],
    });
    expect(r.finishReasons).toEqual(['stop']);
  });

  it('pairs tool results without ids with the calls they answer, in order', () => {
    const r = kept(
      span({
        'gen_ai.operation.name': 'chat',
        'gen_ai.input.messages': JSON.stringify([
          { role: 'user', parts: [{ type: 'text', content: 'Two cities' }] },
          {
            role: 'assistant',
            parts: [
              { type: 'tool_call', name: 'w', arguments: '{"c":"A"}' },
              { type: 'tool_call', name: 'w', arguments: '{"c":"B"}' },
            ],
          },
          {
            role: 'tool',
            parts: [
              { type: 'tool_call_response', result: { temp: 1 } },
              { type: 'tool_call_response', response: 'two' },
            ],
          },
        ]),
        'gen_ai.output.messages': JSON.stringify([
          {
            role: 'assistant',
            parts: [
              { type: 'text', content: 'Done' },
              { type: 'blob', modality: 'image', content: 'AAAA' },
            ],
          },
        ]),
      }),
    );
    expect(r.example.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_0', type: 'function', function: { name: 'w', arguments: '{"c":"A"}' } },
          { id: 'call_1', type: 'function', function: { name: 'w', arguments: '{"c":"B"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_0', content: '{"temp":1}' },
      { role: 'tool', tool_call_id: 'call_1', content: 'two' },
      { role: 'assistant', content: 'Done' },
    ]);
  });

  it('reads the legacy gen_ai.content.prompt / completion events', () => {
    const r = kept(
      span({ 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-3.5-turbo' }, [
        { name: 'gen_ai.content.prompt', timeMs: 0, attributes: { 'gen_ai.prompt': JSON.stringify([{ role: 'user', content: [{ type: 'text', text: 'Hi there' }] }]) } },
        { name: 'gen_ai.content.completion', timeMs: 0, attributes: { 'gen_ai.completion': JSON.stringify([{ role: 'assistant', content: 'Hello', finish_reason: 'stop' }]) } },
      ]),
    );
    expect(r.example).toEqual({
      messages: [
        { role: 'user', content: 'Hi there' },
        { role: 'assistant', content: 'Hello' },
      ],
    });
    expect(r.finishReasons).toEqual(['stop']);
  });

  it('rejects spans without content, without a reply or without valid ids; drops failed calls', () => {
    expect(extractGenAiSpan(span({ 'gen_ai.operation.name': 'chat' }), receivedAt)).toEqual({ kind: 'rejected', reason: 'no_content' });
    expect(extractGenAiSpan(span({ 'gen_ai.operation.name': 'chat', 'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"x"}]}]' }), receivedAt)).toEqual({
      kind: 'rejected',
      reason: 'no_reply',
    });
    expect(extractGenAiSpan({ ...span({ 'gen_ai.operation.name': 'chat' }), traceId: '0'.repeat(32) }, receivedAt)).toEqual({ kind: 'rejected', reason: 'invalid_id' });
    expect(extractGenAiSpan(span({ 'gen_ai.operation.name': 'chat' }, [], 2), receivedAt)).toEqual({ kind: 'dropped' });
    expect(extractGenAiSpan(span({ 'gen_ai.operation.name': 'embeddings' }), receivedAt)).toEqual({ kind: 'dropped' });
  });

  it('keeps scalar attributes for filters but never content, overlong values or structures', () => {
    expect(
      filterAttributes({
        'app.feedback.score': 4.5,
        'app.flags': ['a', 'b'],
        'gen_ai.prompt.0.content': 'secret prompt',
        'gen_ai.input.messages': '[]',
        'llm.request.functions.0.name': 'f',
        long: 'x'.repeat(9000),
        nested: { a: 1 },
        mixed: ['a', { b: 1 }],
      }),
    ).toEqual({ 'app.feedback.score': 4.5, 'app.flags': ['a', 'b'] });
  });
});
