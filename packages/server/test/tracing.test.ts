import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { createLogger } from '../src/http/logger.js';
import { otlpTracesUrl, startTracing, type Tracing } from '../src/observability/tracing.js';
import { createTestApp, type TestApp } from '@ftm/test-support/server-app';
import { OTLP_SPAN_KIND, OTLP_STATUS, startOtlpCollector, type OtlpCollector, type ReceivedSpan } from './support/otlp-collector.js';

/** A pino destination that keeps every line, parsed. */
function logSink(): { lines: Record<string, unknown>[]; stream: Writable } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, stream };
}

const SECRET_IN_ERROR = 'password=hunter2';

describe('request tracing with FTM_OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
  let collector: OtlpCollector;
  let tracing: Tracing;
  let t: TestApp;
  let base: string;
  const log = logSink();
  // The caller's trace, as a W3C traceparent names it.
  const callerTraceId = randomBytes(16).toString('hex');
  const callerSpanId = randomBytes(8).toString('hex');
  const responses: Record<'traced' | 'missing' | 'failed', { requestId: string; status: number }> = {} as never;
  let spans: ReceivedSpan[];

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${t.a.adminKey}`, ...headers } });
    await res.arrayBuffer();
    return { requestId: res.headers.get('x-request-id') ?? '', status: res.status };
  };
  const spanOf = (requestId: string): ReceivedSpan => {
    const span = spans.find((s) => s.attributes['ftm.request_id'] === requestId);
    if (!span) throw new Error(`no span for request ${requestId} among ${spans.map((s) => s.name).join(', ')}`);
    return span;
  };

  beforeAll(async () => {
    collector = await startOtlpCollector();
    // The standard variable for collectors that want a token; read by the exporter when it is made.
    process.env.OTEL_EXPORTER_OTLP_HEADERS = 'x-collector-token=tok-123';
    tracing = (await startTracing({ endpoint: collector.endpoint, serviceName: 'ftm-api', serviceVersion: '9.9.9-test' }))!;
    delete process.env.OTEL_EXPORTER_OTLP_HEADERS;
    t = await createTestApp({
      app: {
        tracer: tracing.tracer,
        logger: createLogger({ level: 'info', destination: log.stream }),
        routes: [
          async (api) => {
            api.get('/explode', async () => {
              throw new Error(`the database said no (${SECRET_IN_ERROR})`);
            });
          },
        ],
      },
    });
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    responses.traced = await get('/projects', { traceparent: `00-${callerTraceId}-${callerSpanId}-01` });
    responses.missing = await get('/no-such-resource');
    responses.failed = await get('/explode');
    await tracing.forceFlush();
    spans = collector.spans();
  });
  afterAll(async () => {
    await t?.close();
    await tracing?.shutdown();
    await collector?.close();
  });

  it('exports OTLP JSON to <endpoint>/v1/traces as ftm-api, with the OTEL_EXPORTER_OTLP_HEADERS headers', () => {
    expect(responses).toMatchObject({ traced: { status: 200 }, missing: { status: 404 }, failed: { status: 500 } });
    expect(collector.exports.length).toBeGreaterThan(0);
    for (const e of collector.exports) {
      expect(e.path).toBe('/otel/v1/traces');
      expect(e.contentType).toContain('application/json');
      expect(e.headers['x-collector-token']).toBe('tok-123');
    }
    expect(spans[0]?.resource).toMatchObject({ 'service.name': 'ftm-api', 'service.version': '9.9.9-test' });
  });

  it('records one SERVER span per request named by method and route template, with its attributes', () => {
    expect(spans).toHaveLength(3);
    expect(spanOf(responses.traced.requestId)).toMatchObject({
      name: 'GET /projects',
      kind: OTLP_SPAN_KIND.SERVER,
      statusCode: OTLP_STATUS.UNSET,
      attributes: {
        'http.request.method': 'GET',
        'http.route': '/projects',
        'http.response.status_code': 200,
        'ftm.request_id': responses.traced.requestId,
        'ftm.tenant_id': t.a.tenantId,
      },
    });
  });

  it('continues the trace named by an incoming traceparent header', () => {
    const span = spanOf(responses.traced.requestId);
    expect(span.traceId).toBe(callerTraceId);
    expect(span.parentSpanId).toBe(callerSpanId);
    // Without the header, a request starts a trace of its own.
    const untraced = spanOf(responses.failed.requestId);
    expect(untraced.traceId).not.toBe(callerTraceId);
    expect(untraced.parentSpanId).toBeUndefined();
  });

  it('names an unmatched request by its method only and does not count a 404 as an error', () => {
    const span = spanOf(responses.missing.requestId);
    expect(span).toMatchObject({ name: 'GET', statusCode: OTLP_STATUS.UNSET, attributes: { 'http.response.status_code': 404 } });
    expect(span.attributes['http.route']).toBeUndefined();
    expect(span.attributes['ftm.tenant_id']).toBeUndefined();
  });

  it('marks a 5xx span as an error', () => {
    expect(spanOf(responses.failed.requestId)).toMatchObject({
      name: 'GET /explode',
      statusCode: OTLP_STATUS.ERROR,
      attributes: { 'http.response.status_code': 500, 'error.type': '500', 'ftm.tenant_id': t.a.tenantId },
    });
  });

  it('sends no credential, header value or error message to the collector', () => {
    for (const e of collector.exports) {
      expect(e.body).not.toContain(t.a.adminKey);
      expect(e.body.toLowerCase()).not.toContain('authorization');
      expect(e.body).not.toContain('Bearer');
      expect(e.body).not.toContain(SECRET_IN_ERROR);
      expect(e.headers.authorization).toBeUndefined();
    }
  });

  it('puts the trace id into the request log lines', () => {
    const line = log.lines.find((l) => l.msg === 'request' && l.reqId === responses.traced.requestId);
    expect(line).toMatchObject({ trace_id: callerTraceId, status: 200 });
    const failed = log.lines.filter((l) => l.reqId === responses.failed.requestId);
    expect(failed.map((l) => l.msg)).toEqual(['request failed', 'request']);
    for (const l of failed) expect(l.trace_id).toBe(spanOf(responses.failed.requestId).traceId);
  });
});

describe('without FTM_OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  let t: TestApp | undefined;
  afterAll(async () => {
    await t?.close();
  });

  it('starts no tracer', async () => {
    expect(await startTracing({ endpoint: undefined, serviceName: 'ftm-api' })).toBeUndefined();
    expect(await startTracing({ endpoint: '', serviceName: 'ftm-worker' })).toBeUndefined();
  });

  it('adds no tracing hook: requests log no trace id even when the caller sends a traceparent', async () => {
    const log = logSink();
    t = await createTestApp({ app: { logger: createLogger({ level: 'info', destination: log.stream }) } });
    const res = await t.request(t.a.adminKey, { url: '/projects', headers: { traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01` } });
    expect(res.statusCode).toBe(200);
    const line = log.lines.find((l) => l.msg === 'request' && l.reqId === res.headers['x-request-id']);
    expect(line).toBeDefined();
    expect(line).not.toHaveProperty('trace_id');
  });
});

describe('otlpTracesUrl', () => {
  it('appends /v1/traces to the endpoint path, as OTEL_EXPORTER_OTLP_ENDPOINT does', () => {
    expect(otlpTracesUrl('http://collector:4318')).toBe('http://collector:4318/v1/traces');
    expect(otlpTracesUrl('http://collector:4318/')).toBe('http://collector:4318/v1/traces');
    expect(otlpTracesUrl('https://otel.example.com/ingest/')).toBe('https://otel.example.com/ingest/v1/traces');
  });
});
