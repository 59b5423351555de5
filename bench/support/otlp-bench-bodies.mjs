// OTLP/HTTP export bodies for bench/otlp, made by the real OpenTelemetry SDK's serializers (the
// bytes its exporters send): per request, 50 HTTP server spans each with one GenAI chat span
// under it (100 spans, half of them GenAI inference with input/output messages, tokens, model,
// a planted e-mail address). Every request gets trace ids of its own, so nothing is deduplicated.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(join(ROOT, 'packages/core/package.json'));
const api = require('@opentelemetry/api');
const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { JsonTraceSerializer, ProtobufTraceSerializer } = require('@opentelemetry/otlp-transformer');

export const CALLS_PER_REQUEST = 50;
export const SPANS_PER_REQUEST = CALLS_PER_REQUEST * 2;

async function recordTemplate() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'bench-app' }), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('bench', '1.0.0');
  for (let n = 0; n < CALLS_PER_REQUEST; n++) {
    const server = tracer.startSpan('POST /chat', {
      kind: api.SpanKind.SERVER,
      attributes: { 'http.request.method': 'POST', 'http.route': '/chat', 'http.response.status_code': 200, 'url.path': '/chat', 'user_agent.original': 'bench/1.0' },
    });
    tracer
      .startSpan(
        'chat gpt-4o-mini',
        {
          kind: api.SpanKind.CLIENT,
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': 'openai',
            'gen_ai.request.model': 'gpt-4o-mini',
            'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
            'gen_ai.usage.input_tokens': 120 + n,
            'gen_ai.usage.output_tokens': 30,
            'gen_ai.response.finish_reasons': ['stop'],
            'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'You are a support assistant for an online shop.' }]),
            'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `Order ${n} has not arrived; write to me at jane.doe${n}@example.com.` }] }]),
            'gen_ai.output.messages': JSON.stringify([
              { role: 'assistant', parts: [{ type: 'text', content: `Sorry about order ${n}: it ships tomorrow, and we will e-mail you the tracking number.` }], finish_reason: 'stop' },
            ]),
          },
        },
        api.trace.setSpan(api.context.active(), server),
      )
      .end();
    server.end();
  }
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  await provider.shutdown();
  return spans;
}

function offsetsOf(buffer, needle) {
  const out = [];
  for (let at = buffer.indexOf(needle); at !== -1; at = buffer.indexOf(needle, at + 1)) out.push(at);
  return out;
}

/**
 * `next(encoding)` returns a fresh body: the template with a request counter written into the
 * first 4 bytes of every trace id (8 hex digits in JSON), so each request's spans are new.
 */
export async function otlpBenchBodies() {
  const spans = await recordTemplate();
  const traceIds = [...new Set(spans.map((s) => s.spanContext().traceId))];
  const protobuf = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans));
  const json = Buffer.from(JsonTraceSerializer.serializeRequest(spans));
  const protobufOffsets = traceIds.flatMap((id) => offsetsOf(protobuf, Buffer.from(id, 'hex')));
  const jsonOffsets = traceIds.flatMap((id) => offsetsOf(json, Buffer.from(id, 'latin1')));
  if (protobufOffsets.length !== SPANS_PER_REQUEST || jsonOffsets.length !== SPANS_PER_REQUEST) throw new Error(`trace ids not found once per span (${protobufOffsets.length}, ${jsonOffsets.length})`);
  let counter = 0;
  return {
    sizes: { protobuf: protobuf.length, json: json.length },
    next(encoding) {
      counter += 1;
      if (encoding === 'protobuf') {
        const body = Buffer.from(protobuf);
        for (const at of protobufOffsets) body.writeUInt32BE(counter, at);
        return body;
      }
      const body = Buffer.from(json);
      const hex = counter.toString(16).padStart(8, '0');
      for (const at of jsonOffsets) body.write(hex, at, 'latin1');
      return body;
    },
  };
}
