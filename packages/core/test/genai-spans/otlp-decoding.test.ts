import { SpanKind } from '@opentelemetry/api';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeJsonTraceRequest } from '../../src/genai-spans/otlp/decode-json-trace-request.js';
import { decodeProtobufTraceRequest } from '../../src/genai-spans/otlp/decode-protobuf-trace-request.js';
import { encodeExportResponse, encodeStatus } from '../../src/genai-spans/otlp/encode-otlp-response.js';
import { OtlpDecodeError, type OtlpSpan } from '../../src/genai-spans/otlp/otlp-span.js';
import { ProtobufReader, ProtobufWriter } from '../../src/genai-spans/otlp/protobuf-reader.js';
import { isInferenceSpan } from '../../src/genai-spans/inference-operation.js';
import { recordGenAiTraffic, TRAFFIC_PER_CALL } from './support/genai-traffic.js';
import { otlpBodies, recordSpans } from './support/otlp-bodies.js';

const keepAll = () => true;
const byName = (spans: readonly OtlpSpan[]) => [...spans].sort((a, b) => (a.name + a.spanId < b.name + b.spanId ? -1 : 1));

describe('OTLP trace request decoding', () => {
  let bodies: { protobuf: Buffer; json: Buffer };
  beforeAll(async () => {
    const spans = await recordSpans((tracer) => {
      recordGenAiTraffic(tracer, 1);
      const s = tracer.startSpan('typed', { kind: SpanKind.INTERNAL, startTime: new Date('2026-12-01T10:00:00.123Z') });
      s.setAttributes({ str: 'é ✓', int: 42, negative: -7, big: 2 ** 40, double: 1.5, flag: true, list: ['a', 'b'], nums: [1, 2.5] });
      s.addEvent('evt', { k: 'v' }, new Date('2026-12-01T10:00:01.000Z'));
      s.end(new Date('2026-12-01T10:00:02.000Z'));
    });
    bodies = otlpBodies(spans);
  });

  it('decodes the SDK serializers protobuf and JSON bodies to the same spans', () => {
    const fromProtobuf = decodeProtobufTraceRequest(bodies.protobuf, keepAll);
    const fromJson = decodeJsonTraceRequest(JSON.parse(bodies.json.toString('utf8')), keepAll);
    expect(fromProtobuf.total).toBe(TRAFFIC_PER_CALL.spans + 1);
    expect(fromJson.total).toBe(fromProtobuf.total);
    expect(byName(fromJson.spans)).toEqual(byName(fromProtobuf.spans));
  });

  it('keeps every attribute type, the times, ids, events, resource and scope', () => {
    const typed = decodeProtobufTraceRequest(bodies.protobuf, keepAll).spans.find((s) => s.name === 'typed')!;
    expect(typed.attributes).toEqual({ str: 'é ✓', int: 42, negative: -7, big: 2 ** 40, double: 1.5, flag: true, list: ['a', 'b'], nums: [1, 2.5] });
    expect(new Date(typed.startTimeMs).toISOString()).toBe('2026-12-01T10:00:00.123Z');
    expect(new Date(typed.endTimeMs).toISOString()).toBe('2026-12-01T10:00:02.000Z');
    expect(typed.events).toEqual([{ name: 'evt', timeMs: Date.parse('2026-12-01T10:00:01.000Z'), attributes: { k: 'v' } }]);
    expect(typed.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(typed.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(typed.resource['service.name']).toBe('checkout');
    expect(typed.scopeName).toBe('genai-test');
  });

  it('keeps only inference spans and counts the rest', () => {
    for (const decoded of [decodeProtobufTraceRequest(bodies.protobuf, isInferenceSpan), decodeJsonTraceRequest(JSON.parse(bodies.json.toString('utf8')), isInferenceSpan)]) {
      expect(decoded.total).toBe(TRAFFIC_PER_CALL.spans + 1);
      // stored + rejected + the failed call (dropped later, on its status)
      expect(decoded.spans).toHaveLength(TRAFFIC_PER_CALL.stored + TRAFFIC_PER_CALL.rejected + 1);
    }
  });

  it('refuses truncated or malformed protobuf, naming where', () => {
    expect(() => decodeProtobufTraceRequest(bodies.protobuf.subarray(0, bodies.protobuf.length - 7), keepAll)).toThrow(OtlpDecodeError);
    expect(() => decodeProtobufTraceRequest(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), keepAll)).toThrow(/runs past the end/);
    expect(() => decodeProtobufTraceRequest(Buffer.from('{"resourceSpans":[]}'), keepAll)).toThrow(OtlpDecodeError);
    // A span whose trace_id is a varint instead of bytes.
    const badSpan = new ProtobufWriter().tag(1, 0).varint(7);
    const body = new ProtobufWriter().messageField(1, new ProtobufWriter().messageField(2, new ProtobufWriter().messageField(2, badSpan))).finish();
    expect(() => decodeProtobufTraceRequest(body, keepAll)).toThrow(expect.objectContaining({ field: 'resourceSpans[0].scopeSpans[0].spans[0]', message: expect.stringMatching(/Span.trace_id/) }));
  });

  it('refuses JSON of the wrong shape with the path of the bad value', () => {
    const bad = (body: unknown) => {
      try {
        decodeJsonTraceRequest(body, keepAll);
      } catch (error) {
        return (error as OtlpDecodeError).field;
      }
      return 'accepted';
    };
    expect(bad([])).toBe('request');
    expect(bad({ resourceSpans: {} })).toBe('resourceSpans');
    expect(bad({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 42 }] }] }] })).toBe('resourceSpans[0].scopeSpans[0].spans[0].traceId');
    expect(bad({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'xyz' }] }] }] })).toBe('resourceSpans[0].scopeSpans[0].spans[0].traceId');
    expect(bad({ resourceSpans: [{ scopeSpans: [{ spans: [{ kind: 'SPAN_KIND_CLIENT' }] }] }] })).toBe('resourceSpans[0].scopeSpans[0].spans[0].kind');
    expect(bad({ resourceSpans: [{ scopeSpans: [{ spans: [{ startTimeUnixNano: 'soon' }] }] }] })).toBe('resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano');
    // Unknown fields are ignored, as OTLP/JSON requires; an empty request is valid.
    expect(bad({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'AB', future_field: 1 }] }] }], extra: true })).toBe('accepted');
    expect(bad({})).toBe('accepted');
  });

  it('refuses attribute values nested past the depth limit in both encodings', () => {
    let json: unknown = { stringValue: 'leaf' };
    let proto = new ProtobufWriter().stringField(1, 'leaf');
    for (let i = 0; i < 40; i++) {
      json = { arrayValue: { values: [json] } };
      proto = new ProtobufWriter().messageField(5, new ProtobufWriter().messageField(1, proto));
    }
    const span = { attributes: [{ key: 'deep', value: json }] };
    expect(() => decodeJsonTraceRequest({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] }, keepAll)).toThrow(/nested deeper/);
    const kv = new ProtobufWriter().stringField(1, 'deep').messageField(2, proto);
    const body = new ProtobufWriter().messageField(1, new ProtobufWriter().messageField(2, new ProtobufWriter().messageField(2, new ProtobufWriter().messageField(9, kv)))).finish();
    expect(() => decodeProtobufTraceRequest(body, keepAll)).toThrow(/nested deeper/);
  });

  it('reads kvlist and bytes values from OTLP/JSON, and 64-bit integers given as strings', () => {
    const decoded = decodeJsonTraceRequest(
      {
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: '5B8EFFF798038103D269B633813FC60C',
                    spanId: 'EEE19B7EC3C1B174',
                    startTimeUnixNano: '1765000000000000000',
                    attributes: [
                      { key: 'kv', value: { kvlistValue: { values: [{ key: 'a', value: { intValue: '9007199254740993' } }] } } },
                      { key: 'raw', value: { bytesValue: 'AQI=' } },
                      { key: 'nan', value: { doubleValue: 'NaN' } },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
      keepAll,
    );
    const span = decoded.spans[0]!;
    expect(span.traceId).toBe('5b8efff798038103d269b633813fc60c');
    expect(span.attributes.kv).toEqual({ a: '9007199254740993' });
    expect(span.attributes.raw).toBe('AQI=');
    expect(Number.isNaN(span.attributes.nan)).toBe(true);
    expect(span.startTimeMs).toBe(1765000000000);
  });

  it('reads negative and large int64 varints exactly', () => {
    const varint = (bytes: number[]) => new ProtobufReader(Buffer.from(bytes)).int64();
    expect(varint([0x01])).toBe(1);
    expect(varint([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])).toBe(-1);
    expect(varint([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01])).toBe('-9223372036854775808');
    expect(varint([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])).toBe('72057594037927935');
    expect(varint([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f])).toBe(2 ** 53 - 1);
  });

  it('encodes responses and statuses the SDK can read back', async () => {
    const { ProtobufTraceSerializer, JsonTraceSerializer } = await import('@opentelemetry/otlp-transformer');
    const partial = { rejectedSpans: 2, errorMessage: 'two spans had no content' };
    expect(ProtobufTraceSerializer.deserializeResponse(new Uint8Array(encodeExportResponse('protobuf', partial)))).toEqual({
      partialSuccess: { rejectedSpans: 2, errorMessage: 'two spans had no content' },
    });
    expect(JSON.parse(encodeExportResponse('json', partial).toString())).toEqual({ partialSuccess: { rejectedSpans: '2', errorMessage: 'two spans had no content' } });
    expect(JsonTraceSerializer.deserializeResponse(new Uint8Array(encodeExportResponse('json', null)))).toEqual({});
    expect(encodeExportResponse('protobuf', null).length).toBe(0);
    const status = JSON.parse(encodeStatus('json', 3, 'bad', [{ field: 'resourceSpans', description: 'must be an array' }]).toString());
    expect(status).toEqual({
      code: 3,
      message: 'bad',
      details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'resourceSpans', description: 'must be an array' }] }],
    });
    // google.rpc.Status{code=3, message="bad", details=[Any{type_url, value=BadRequest}]}
    const proto = encodeStatus('protobuf', 3, 'bad', [{ field: 'f', description: 'd' }]);
    const r = new ProtobufReader(proto);
    expect(r.tag()).toEqual({ field: 1, wire: 0 });
    expect(r.uint32()).toBe(3);
    expect(r.tag()).toEqual({ field: 2, wire: 2 });
    expect(r.string()).toBe('bad');
    expect(r.tag()).toEqual({ field: 3, wire: 2 });
    const any = r.sub();
    any.tag();
    expect(any.string()).toBe('type.googleapis.com/google.rpc.BadRequest');
  });
});
