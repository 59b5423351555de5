import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';

/**
 * GenAI traffic as instrumented apps record it, written through the real OpenTelemetry API so
 * every encoder (the SDK's serializers, its OTLP exporters) produces what it produces in
 * production. One call records, under one parent HTTP span:
 * - a chat span in the current conventions (system instructions, a tool call and its result in
 *   the input, the reply in the output, tool definitions), with a planted e-mail and SSN;
 * - a chat span in the event form of v1.36 (`gen_ai.*.message` events, a `gen_ai.choice` that
 *   calls a tool), with a planted phone number;
 * - a chat span in the indexed form (`gen_ai.prompt.N.*`, `gen_ai.completion.0.*`, functions);
 * - spans that are not inference: the HTTP server span, a database span, an embeddings span;
 * - a chat span without captured content (rejected), and a failed chat span (dropped).
 * `n` makes the texts of each call unique.
 */
export function recordGenAiTraffic(tracer: Tracer, n: number, options: { feedbackScore?: number } = {}): void {
  const parent = tracer.startSpan('POST /chat', { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'POST', 'http.route': '/chat', 'http.response.status_code': 200 } });
  const withParent = (name: string, attributes: Record<string, string | number | boolean | string[]>, kind = SpanKind.CLIENT) => {
    return tracer.startSpan(name, { kind, attributes }, trace.setSpan(context.active(), parent));
  };

  const current = withParent('chat gpt-4o-mini', {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
    'gen_ai.usage.input_tokens': 120 + n,
    'gen_ai.usage.output_tokens': 30,
    'gen_ai.response.finish_reasons': ['stop'],
    'app.user.tier': 'pro',
    ...(options.feedbackScore !== undefined ? { 'app.feedback.score': options.feedbackScore } : {}),
    'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'You are a weather assistant.' }]),
    'gen_ai.input.messages': JSON.stringify([
      { role: 'user', parts: [{ type: 'text', content: `Weather in Paris for trip ${n}? Mail jane.doe${n}@example.com, SSN 219-09-9999.` }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: `call_w${n}`, name: 'get_weather', arguments: { location: 'Paris' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: `call_w${n}`, response: 'rainy, 57°F' }] },
    ]),
    'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: `Trip ${n}: rainy in Paris, 57°F. Take an umbrella.` }], finish_reason: 'stop' }]),
    'gen_ai.tool.definitions': JSON.stringify([
      { type: 'function', name: 'get_weather', description: 'Current weather of a city', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } },
    ]),
  });
  current.end();

  const events = withParent('chat claude-3-5-haiku', {
    'gen_ai.operation.name': 'chat',
    'gen_ai.system': 'anthropic',
    'gen_ai.request.model': 'claude-3-5-haiku',
    'gen_ai.usage.input_tokens': 80,
    'gen_ai.usage.output_tokens': 12,
  });
  events.addEvent('gen_ai.system.message', { 'gen_ai.system': 'anthropic', 'gen_ai.event.content': JSON.stringify({ content: 'You book tables.' }) });
  events.addEvent('gen_ai.user.message', { 'gen_ai.system': 'anthropic', 'gen_ai.event.content': JSON.stringify({ content: `Book table ${n} for two; call me on +1 415 555 0132.` }) });
  events.addEvent('gen_ai.choice', {
    'gen_ai.system': 'anthropic',
    'gen_ai.event.content': JSON.stringify({
      index: 0,
      finish_reason: 'tool_calls',
      message: { role: 'assistant', tool_calls: [{ id: `toolu_${n}`, type: 'function', function: { name: 'book_table', arguments: `{"party":2,"ref":${n}}` } }] },
    }),
  });
  events.end();

  const indexed = withParent('openai.chat', {
    'llm.request.type': 'chat',
    'gen_ai.system': 'openai',
    'gen_ai.request.model': 'gpt-4.1-mini',
    'gen_ai.usage.prompt_tokens': 40,
    'gen_ai.usage.completion_tokens': 9,
    'gen_ai.prompt.0.role': 'system',
    'gen_ai.prompt.0.content': 'Answer in one word.',
    'gen_ai.prompt.1.role': 'user',
    'gen_ai.prompt.1.content': `Capital of France, question ${n}?`,
    'gen_ai.completion.0.role': 'assistant',
    'gen_ai.completion.0.content': `Paris (${n}).`,
    'gen_ai.completion.0.finish_reason': 'stop',
    'llm.request.functions.0.name': 'lookup_capital',
    'llm.request.functions.0.description': 'Looks a capital up',
    'llm.request.functions.0.parameters': '{"type":"object","properties":{"country":{"type":"string"}}}',
  });
  indexed.end();

  withParent('SELECT orders', { 'db.system.name': 'postgresql', 'db.query.text': 'select * from orders' }).end();
  withParent('embeddings text-embedding-3-small', { 'gen_ai.operation.name': 'embeddings', 'gen_ai.request.model': 'text-embedding-3-small', 'gen_ai.provider.name': 'openai' }).end();
  withParent('chat gpt-4o', { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o' }).end();
  const failed = withParent('chat gpt-4o', {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o',
    'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"hi"}]}]',
  });
  failed.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited' });
  failed.end();
  parent.end();
}

/** What one recordGenAiTraffic call yields at the receiver. */
export const TRAFFIC_PER_CALL = { spans: 8, stored: 3, rejected: 1, dropped: 4 } as const;
