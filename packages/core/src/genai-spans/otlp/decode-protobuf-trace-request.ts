import { OtlpDecodeError, type DecodedTraceRequest, type OtlpAttributes, type OtlpSpan, type OtlpSpanEvent, type OtlpValue, type SpanPredicate } from './otlp-span.js';
import { ProtobufReader, ProtobufWireError, WIRE_FIXED64, WIRE_LENGTH_DELIMITED, WIRE_VARINT } from './protobuf-reader.js';

// Field numbers of opentelemetry/proto (collector/trace/v1, trace/v1, common/v1, resource/v1).
const REQUEST_RESOURCE_SPANS = 1;
const RESOURCE_SPANS_RESOURCE = 1;
const RESOURCE_SPANS_SCOPE_SPANS = 2;
const RESOURCE_ATTRIBUTES = 1;
const SCOPE_SPANS_SCOPE = 1;
const SCOPE_SPANS_SPANS = 2;
const SCOPE_NAME = 1;
const SPAN_TRACE_ID = 1;
const SPAN_SPAN_ID = 2;
const SPAN_PARENT_SPAN_ID = 4;
const SPAN_NAME = 5;
const SPAN_KIND = 6;
const SPAN_START = 7;
const SPAN_END = 8;
const SPAN_ATTRIBUTES = 9;
const SPAN_EVENTS = 11;
const SPAN_STATUS = 15;
const STATUS_CODE = 3;
const EVENT_TIME = 1;
const EVENT_NAME = 2;
const EVENT_ATTRIBUTES = 3;
const KEY_VALUE_KEY = 1;
const KEY_VALUE_VALUE = 2;
const ANY_STRING = 1;
const ANY_BOOL = 2;
const ANY_INT = 3;
const ANY_DOUBLE = 4;
const ANY_ARRAY = 5;
const ANY_KVLIST = 6;
const ANY_BYTES = 7;
const LIST_VALUES = 1;

/** Deepest nesting of array/kvlist values accepted: deeper is hostile, not telemetry. */
export const MAX_VALUE_DEPTH = 32;

const NS_PER_MS = 1e6;

function anyValue(r: ProtobufReader, depth: number): OtlpValue {
  if (depth > MAX_VALUE_DEPTH) throw new OtlpDecodeError(`an attribute value is nested deeper than ${MAX_VALUE_DEPTH} levels`);
  let value: OtlpValue = null;
  while (!r.done) {
    const { field, wire } = r.tag();
    switch (field) {
      case ANY_STRING:
        r.expect(wire, WIRE_LENGTH_DELIMITED, 'AnyValue.string_value');
        value = r.string();
        break;
      case ANY_BOOL:
        r.expect(wire, WIRE_VARINT, 'AnyValue.bool_value');
        value = r.bool();
        break;
      case ANY_INT:
        r.expect(wire, WIRE_VARINT, 'AnyValue.int_value');
        value = r.int64();
        break;
      case ANY_DOUBLE:
        r.expect(wire, WIRE_FIXED64, 'AnyValue.double_value');
        value = r.double();
        break;
      case ANY_ARRAY: {
        r.expect(wire, WIRE_LENGTH_DELIMITED, 'AnyValue.array_value');
        const list = r.sub();
        const values: OtlpValue[] = [];
        while (!list.done) {
          const t = list.tag();
          if (t.field === LIST_VALUES && t.wire === WIRE_LENGTH_DELIMITED) values.push(anyValue(list.sub(), depth + 1));
          else list.skip(t.wire);
        }
        value = values;
        break;
      }
      case ANY_KVLIST:
        r.expect(wire, WIRE_LENGTH_DELIMITED, 'AnyValue.kvlist_value');
        value = keyValueList(r.sub(), depth + 1);
        break;
      case ANY_BYTES:
        r.expect(wire, WIRE_LENGTH_DELIMITED, 'AnyValue.bytes_value');
        value = r.base64();
        break;
      default:
        r.skip(wire); // string_value_strindex and future kinds: not a value FTM reads
    }
  }
  return value;
}

function keyValue(r: ProtobufReader, into: Record<string, OtlpValue>, depth: number): void {
  let key: string | undefined;
  let value: OtlpValue = null;
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === KEY_VALUE_KEY && wire === WIRE_LENGTH_DELIMITED) key = r.string();
    else if (field === KEY_VALUE_VALUE && wire === WIRE_LENGTH_DELIMITED) value = anyValue(r.sub(), depth);
    else r.skip(wire);
  }
  if (key !== undefined) into[key] = value;
}

function keyValueList(r: ProtobufReader, depth: number): Record<string, OtlpValue> {
  const out: Record<string, OtlpValue> = {};
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === LIST_VALUES && wire === WIRE_LENGTH_DELIMITED) keyValue(r.sub(), out, depth);
    else r.skip(wire);
  }
  return out;
}

/** The attributes of a Resource, InstrumentationScope-style repeated KeyValue field `attrField`. */
function attributesOf(r: ProtobufReader, attrField: number): Record<string, OtlpValue> {
  const out: Record<string, OtlpValue> = {};
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === attrField && wire === WIRE_LENGTH_DELIMITED) keyValue(r.sub(), out, 0);
    else r.skip(wire);
  }
  return out;
}

function scopeName(r: ProtobufReader): string {
  let name = '';
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === SCOPE_NAME && wire === WIRE_LENGTH_DELIMITED) name = r.string();
    else r.skip(wire);
  }
  return name;
}

function spanEvent(r: ProtobufReader): OtlpSpanEvent {
  let name = '';
  let timeMs = 0;
  const attributes: Record<string, OtlpValue> = {};
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === EVENT_TIME && wire === WIRE_FIXED64) timeMs = r.fixed64AsNumber() / NS_PER_MS;
    else if (field === EVENT_NAME && wire === WIRE_LENGTH_DELIMITED) name = r.string();
    else if (field === EVENT_ATTRIBUTES && wire === WIRE_LENGTH_DELIMITED) keyValue(r.sub(), attributes, 0);
    else r.skip(wire);
  }
  return { name, timeMs, attributes };
}

function statusCode(r: ProtobufReader): number {
  let code = 0;
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === STATUS_CODE && wire === WIRE_VARINT) code = r.int32();
    else r.skip(wire);
  }
  return code;
}

/**
 * Decodes one Span's fields; its events (the bulk of an event-form GenAI span) are only located,
 * and decoded once the predicate has kept the span on its attributes.
 */
function span(r: ProtobufReader, resource: OtlpAttributes, scope: string, keep: SpanPredicate): OtlpSpan | null {
  let traceId = '';
  let spanId = '';
  let parentSpanId = '';
  let name = '';
  let kind = 0;
  let startTimeMs = 0;
  let endTimeMs = 0;
  let status = 0;
  const attributes: Record<string, OtlpValue> = {};
  let eventRanges: (readonly [number, number])[] | undefined;
  while (!r.done) {
    const { field, wire } = r.tag();
    switch (field) {
      case SPAN_TRACE_ID:
        r.expect(wire, WIRE_LENGTH_DELIMITED, 'Span.trace_id');
        traceId = r.hex();
        break;
      case SPAN_SPAN_ID:
        r.expect(wire, WIRE_LENGTH_DELIMITED, 'Span.span_id');
        spanId = r.hex();
        break;
      case SPAN_PARENT_SPAN_ID:
        r.expect(wire, WIRE_LENGTH_DELIMITED, 'Span.parent_span_id');
        parentSpanId = r.hex();
        break;
      case SPAN_NAME:
        r.expect(wire, WIRE_LENGTH_DELIMITED, 'Span.name');
        name = r.string();
        break;
      case SPAN_KIND:
        r.expect(wire, WIRE_VARINT, 'Span.kind');
        kind = r.int32();
        break;
      case SPAN_START:
        r.expect(wire, WIRE_FIXED64, 'Span.start_time_unix_nano');
        startTimeMs = r.fixed64AsNumber() / NS_PER_MS;
        break;
      case SPAN_END:
        r.expect(wire, WIRE_FIXED64, 'Span.end_time_unix_nano');
        endTimeMs = r.fixed64AsNumber() / NS_PER_MS;
        break;
      case SPAN_ATTRIBUTES:
        r.expect(wire, WIRE_LENGTH_DELIMITED, 'Span.attributes');
        keyValue(r.sub(), attributes, 0);
        break;
      case SPAN_EVENTS:
        r.expect(wire, WIRE_LENGTH_DELIMITED, 'Span.events');
        (eventRanges ??= []).push(r.range());
        break;
      case SPAN_STATUS:
        r.expect(wire, WIRE_LENGTH_DELIMITED, 'Span.status');
        status = statusCode(r.sub());
        break;
      default:
        r.skip(wire); // trace_state, dropped counts, links, flags
    }
  }
  if (!keep(attributes)) return null;
  const events: OtlpSpanEvent[] = [];
  if (eventRanges) for (const [start, end] of eventRanges) events.push(spanEvent(new ProtobufReader(r.buf, start, end)));
  return { traceId, spanId, parentSpanId, name, kind, startTimeMs, endTimeMs, attributes, events, statusCode: status, resource, scopeName: scope };
}

/**
 * Decodes a binary-protobuf ExportTraceServiceRequest, keeping the spans `keep` accepts on their
 * attributes; the others are walked past, their events and links never decoded. Malformed wire
 * data is an OtlpDecodeError naming the resource/scope/span it was found in.
 */
export function decodeProtobufTraceRequest(body: Buffer, keep: SpanPredicate): DecodedTraceRequest {
  const spans: OtlpSpan[] = [];
  let total = 0;
  let where = 'ExportTraceServiceRequest';
  try {
    const request = new ProtobufReader(body);
    let rsIndex = 0;
    while (!request.done) {
      const { field, wire } = request.tag();
      if (field !== REQUEST_RESOURCE_SPANS || wire !== WIRE_LENGTH_DELIMITED) {
        request.skip(wire);
        continue;
      }
      const rs = request.sub();
      const base = `resourceSpans[${rsIndex++}]`;
      where = base;
      let resource: OtlpAttributes = {};
      const scopes: ProtobufReader[] = [];
      while (!rs.done) {
        const t = rs.tag();
        if (t.field === RESOURCE_SPANS_RESOURCE && t.wire === WIRE_LENGTH_DELIMITED) resource = attributesOf(rs.sub(), RESOURCE_ATTRIBUTES);
        else if (t.field === RESOURCE_SPANS_SCOPE_SPANS && t.wire === WIRE_LENGTH_DELIMITED) scopes.push(rs.sub());
        else rs.skip(t.wire);
      }
      // The resource may come after its scopes on the wire; spans are decoded once it is known.
      scopes.forEach((ss, ssIndex) => {
        where = `${base}.scopeSpans[${ssIndex}]`;
        let scope = '';
        const spanReaders: ProtobufReader[] = [];
        while (!ss.done) {
          const t = ss.tag();
          if (t.field === SCOPE_SPANS_SCOPE && t.wire === WIRE_LENGTH_DELIMITED) scope = scopeName(ss.sub());
          else if (t.field === SCOPE_SPANS_SPANS && t.wire === WIRE_LENGTH_DELIMITED) spanReaders.push(ss.sub());
          else ss.skip(t.wire);
        }
        const scopeBase = where;
        spanReaders.forEach((reader, spanIndex) => {
          where = `${scopeBase}.spans[${spanIndex}]`;
          total += 1;
          const decoded = span(reader, resource, scope, keep);
          if (decoded) spans.push(decoded);
        });
      });
    }
  } catch (error) {
    if (error instanceof ProtobufWireError) throw new OtlpDecodeError(`the body is not a valid ExportTraceServiceRequest: ${error.message}`, where);
    if (error instanceof OtlpDecodeError && error.field === null) throw new OtlpDecodeError(error.message, where);
    throw error;
  }
  return { spans, total };
}
