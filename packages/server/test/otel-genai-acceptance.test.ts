/**
 * Acceptance: an app instrumented with the real OpenTelemetry Node SDK and its OTLP exporters
 * (JSON, and protobuf with gzip) sends GenAI spans to `ftm start`; a dataset built from them is
 * ready with the expected counts, tool calls kept and planted PII gone; malformed OTLP payloads
 * get the answers the OTLP specification gives them.
 */
import { gzipSync } from 'node:zlib';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter as OTLPJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFtmServer, type FtmServer } from '@ftm/test-support/ftm-server';
import { recordGenAiTraffic, TRAFFIC_PER_CALL } from '../../core/test/genai-spans/support/genai-traffic.js';

const CALLS_PER_EXPORTER = 4;

/** Delegates to an OTLP exporter and keeps every export's result, so the test sees what the SDK saw. */
class RecordingExporter implements SpanExporter {
  readonly results: ExportResult[] = [];
  constructor(private readonly inner: SpanExporter) {}
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      this.results.push(result);
      done(result);
    });
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/** An instrumented app: the Node SDK with a batch processor in front of `exporter`; records `calls` rounds of traffic. */
async function runApp(exporter: RecordingExporter, first: number, calls: number): Promise<void> {
  const provider = new NodeTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'support-bot' }), spanProcessors: [new BatchSpanProcessor(exporter)] });
  const tracer = provider.getTracer('support-bot', '1.0.0');
  for (let n = first; n < first + calls; n++) recordGenAiTraffic(tracer, n);
  await provider.forceFlush();
  await provider.shutdown();
}

describe('GenAI spans from an OpenTelemetry-instrumented app to a ready dataset', () => {
  let server: FtmServer | undefined;
  let url = '';
  let key = '';

  const api = async (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string>; apiKey?: string } = {}) => {
    const res = await fetch(`${url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${init.apiKey ?? key}`,
        ...(init.body !== undefined ? { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() } : {}),
        ...init.headers,
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };

  beforeAll(async () => {
    server = await startFtmServer();
    url = server.baseUrl;
    key = server.apiKey;
    // Spans belong to the key's project: export with a key limited to a project of its own.
    const project = JSON.parse((await api('/projects', { method: 'POST', body: { name: 'support' } })).text) as { id: string };
    key = (JSON.parse((await api('/api-keys', { method: 'POST', body: { name: 'otel', role: 'member', project_id: project.id } })).text) as { secret: string }).secret;
  }, 300_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('receives JSON and gzip protobuf exports from the Node SDK and builds a ready, sanitized dataset with tool calls', { timeout: 300_000 }, async () => {
    const headers = { Authorization: `Bearer ${key}` };
    const json = new RecordingExporter(new OTLPJsonExporter({ url: `${url}/otlp/v1/traces`, headers }));
    const proto = new RecordingExporter(new OTLPProtoExporter({ url: `${url}/otlp/v1/traces`, headers, compression: 'gzip' } as ConstructorParameters<typeof OTLPProtoExporter>[0]));
    await runApp(json, 0, CALLS_PER_EXPORTER);
    await runApp(proto, CALLS_PER_EXPORTER, CALLS_PER_EXPORTER);
    // A partial success (the span without content) is still a success to the SDK.
    expect([...json.results, ...proto.results].map((r) => r.code)).toEqual([...json.results, ...proto.results].map(() => ExportResultCode.SUCCESS));
    expect(json.results.length).toBeGreaterThan(0);
    expect(proto.results.length).toBeGreaterThan(0);

    const created = JSON.parse(
      (
        await api('/datasets', {
          method: 'POST',
          body: { name: 'support traffic', format: 'jsonl_chat', source: { type: 'otel_spans', filters: { service_names: ['support-bot'] } }, dedup: { near: false }, min_examples: 1 },
        })
      ).text,
    ) as { id: string };
    let dataset: { status: string; record_count: number; report: { sanitization: { findings: Record<string, number> }; lineage: { records: number } } } | undefined;
    for (let i = 0; i < 600; i++) {
      dataset = JSON.parse((await api(`/datasets/${created.id}`)).text);
      if (dataset!.status !== 'queued' && dataset!.status !== 'building') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const calls = CALLS_PER_EXPORTER * 2;
    expect(dataset!.status).toBe('ready');
    expect(dataset!.record_count).toBe(calls * TRAFFIC_PER_CALL.stored);
    expect(dataset!.report.sanitization.findings).toEqual({ email: calls, phone: calls, us_ssn: calls });
    expect(dataset!.report.lineage.records).toBe(calls * TRAFFIC_PER_CALL.stored);

    const content = (await api(`/datasets/${created.id}/content`)).text;
    expect(content).not.toMatch(/jane\.doe\d@example\.com|219-09-9999|415 555 0132/);
    const records = content
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { messages: { role: string; tool_calls?: { function: { name: string } }[] }[]; tools?: unknown[] });
    const called = records.flatMap((r) => r.messages.flatMap((m) => (m.tool_calls ?? []).map((c) => c.function.name)));
    expect(called.filter((n) => n === 'get_weather')).toHaveLength(calls);
    expect(called.filter((n) => n === 'book_table')).toHaveLength(calls);
    expect(records.filter((r) => r.tools)).toHaveLength(calls * 2);
  });

  it('answers malformed exports as the OTLP specification says', { timeout: 120_000 }, async () => {
    const post = (body: string | Buffer, headers: Record<string, string>, apiKey: string | null = key) =>
      fetch(`${url}/otlp/v1/traces`, {
        method: 'POST',
        body: typeof body === 'string' ? body : new Uint8Array(body),
        headers: { ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}), ...headers },
      });
    const badJson = await post('{"resourceSpans": 3}', { 'content-type': 'application/json' });
    expect([badJson.status, badJson.headers.get('content-type')]).toEqual([400, 'application/json']);
    expect(await badJson.json()).toMatchObject({ code: 3, details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'resourceSpans' }] }] });
    const badProto = await post(Buffer.from([0x0a, 0x05, 0x12]), { 'content-type': 'application/x-protobuf' });
    expect([badProto.status, badProto.headers.get('content-type')]).toEqual([400, 'application/x-protobuf']);
    expect((await post('{}', { 'content-type': 'application/json' }, null)).status).toBe(401);
    expect((await post('{}', { 'content-type': 'text/plain' })).status).toBe(415);
    const bomb = await post(gzipSync(Buffer.alloc(21 * 1024 * 1024, 0x20)), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(bomb.status).toBe(413);
    const empty = await post('{}', { 'content-type': 'application/json' });
    expect([empty.status, await empty.text()]).toEqual([200, '{}']);
  });
});
