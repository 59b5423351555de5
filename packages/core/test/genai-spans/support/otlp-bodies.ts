import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Tracer } from '@opentelemetry/api';

/** Spans recorded through the real OpenTelemetry SDK (in memory), for its serializers. */
export async function recordSpans(record: (tracer: Tracer) => void, serviceName = 'checkout'): Promise<ReadableSpan[]> {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': serviceName }), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  record(provider.getTracer('genai-test', '1.0.0'));
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  await provider.shutdown();
  return [...spans];
}

/** The OTLP/HTTP bodies the SDK's exporters send for these spans: binary protobuf and JSON. */
export function otlpBodies(spans: readonly ReadableSpan[]): { protobuf: Buffer; json: Buffer } {
  return {
    protobuf: Buffer.from(ProtobufTraceSerializer.serializeRequest([...spans])!),
    json: Buffer.from(JsonTraceSerializer.serializeRequest([...spans])!),
  };
}
