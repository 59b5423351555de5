import { MAX_VALUE_DEPTH } from './decode-protobuf-trace-request.js';
import { OtlpDecodeError, type DecodedTraceRequest, type OtlpAttributes, type OtlpSpan, type OtlpSpanEvent, type OtlpValue, type SpanPredicate } from './otlp-span.js';

type Json = Record<string, unknown>;
const HEX_RE = /^[0-9a-fA-F]*$/;
const INT_RE = /^-?\d+$/;
const NS_PER_MS = 1e6;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(path: string, message: string): never {
  throw new OtlpDecodeError(`${path}: ${message}`, path);
}

/** A repeated field: absent or null is empty (proto3 JSON), anything but an array is bad data. */
function list(value: unknown, path: string): readonly unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(path, 'must be an array');
  return value;
}

/** A message field: absent or null is the default, anything but an object is bad data. */
function message(value: unknown, path: string): Json | null {
  if (value === undefined || value === null) return null;
  if (!isObject(value)) fail(path, 'must be an object');
  return value;
}

function string(value: unknown, path: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') fail(path, 'must be a string');
  return value;
}

/** An enum or int32: OTLP/JSON allows integers only, never enum names. */
function integer(value: unknown, path: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  fail(path, 'must be an integer');
}

/** A (fixed)64-bit integer: a decimal string or a number, per the protobuf JSON mapping. */
function int64(value: unknown, path: string): number | string {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && INT_RE.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : value;
  }
  fail(path, 'must be an integer or a decimal string');
}

function unixNanoToMs(value: unknown, path: string): number {
  if (value === undefined || value === null) return 0;
  const n = int64(value, path);
  return (typeof n === 'number' ? n : Number(n)) / NS_PER_MS;
}

/** trace and span ids: hex strings in OTLP/JSON (not base64), any case. */
function hexId(value: unknown, path: string): string {
  const s = string(value, path);
  if (!HEX_RE.test(s) || s.length % 2 !== 0) fail(path, 'must be a hex-encoded id');
  return s.toLowerCase();
}

function double(value: unknown, path: string): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  fail(path, 'must be a number');
}

function anyValue(value: unknown, path: string, depth: number): OtlpValue {
  if (depth > MAX_VALUE_DEPTH) fail(path, `nested deeper than ${MAX_VALUE_DEPTH} levels`);
  const v = message(value, path);
  if (!v) return null;
  if (v.stringValue !== undefined && v.stringValue !== null) return string(v.stringValue, `${path}.stringValue`);
  if (v.boolValue !== undefined && v.boolValue !== null) {
    if (typeof v.boolValue !== 'boolean') fail(`${path}.boolValue`, 'must be a boolean');
    return v.boolValue;
  }
  if (v.intValue !== undefined && v.intValue !== null) return int64(v.intValue, `${path}.intValue`);
  if (v.doubleValue !== undefined && v.doubleValue !== null) return double(v.doubleValue, `${path}.doubleValue`);
  if (v.arrayValue !== undefined && v.arrayValue !== null) {
    const arr = message(v.arrayValue, `${path}.arrayValue`)!;
    return list(arr.values, `${path}.arrayValue.values`).map((item, i) => anyValue(item, `${path}.arrayValue.values[${i}]`, depth + 1));
  }
  if (v.kvlistValue !== undefined && v.kvlistValue !== null) {
    const kv = message(v.kvlistValue, `${path}.kvlistValue`)!;
    return keyValues(kv.values, `${path}.kvlistValue.values`, depth + 1);
  }
  if (v.bytesValue !== undefined && v.bytesValue !== null) return string(v.bytesValue, `${path}.bytesValue`);
  return null;
}

function keyValues(value: unknown, path: string, depth: number): Record<string, OtlpValue> {
  const out: Record<string, OtlpValue> = {};
  const items = list(value, path);
  for (let i = 0; i < items.length; i++) {
    const kv = message(items[i], `${path}[${i}]`);
    if (!kv) continue;
    const key = string(kv.key, `${path}[${i}].key`);
    out[key] = anyValue(kv.value, `${path}[${i}].value`, depth);
  }
  return out;
}

function spanEvents(value: unknown, path: string): OtlpSpanEvent[] {
  return list(value, path).map((item, i) => {
    const e = message(item, `${path}[${i}]`) ?? {};
    return {
      name: string(e.name, `${path}[${i}].name`),
      timeMs: unixNanoToMs(e.timeUnixNano, `${path}[${i}].timeUnixNano`),
      attributes: keyValues(e.attributes, `${path}[${i}].attributes`, 0),
    };
  });
}

function span(value: unknown, path: string, resource: OtlpAttributes, scopeName: string, keep: SpanPredicate): OtlpSpan | null {
  const s = message(value, path) ?? {};
  const attributes = keyValues(s.attributes, `${path}.attributes`, 0);
  // The same fields are checked for every span, kept or not, so a request is bad data or not
  // whatever the filter; only the events of dropped spans are never read.
  const traceId = hexId(s.traceId, `${path}.traceId`);
  const spanId = hexId(s.spanId, `${path}.spanId`);
  const parentSpanId = hexId(s.parentSpanId, `${path}.parentSpanId`);
  const name = string(s.name, `${path}.name`);
  const kind = integer(s.kind, `${path}.kind`);
  const startTimeMs = unixNanoToMs(s.startTimeUnixNano, `${path}.startTimeUnixNano`);
  const endTimeMs = unixNanoToMs(s.endTimeUnixNano, `${path}.endTimeUnixNano`);
  const status = message(s.status, `${path}.status`);
  const statusCode = status ? integer(status.code, `${path}.status.code`) : 0;
  if (!keep(attributes)) return null;
  const events = spanEvents(s.events, `${path}.events`);
  return { traceId, spanId, parentSpanId, name, kind, startTimeMs, endTimeMs, attributes, events, statusCode, resource, scopeName };
}

/**
 * Decodes an OTLP/JSON ExportTraceServiceRequest (already parsed), keeping the spans `keep`
 * accepts. Follows the OTLP/JSON rules: lowerCamelCase keys, unknown keys ignored, hex ids,
 * integer enums, 64-bit integers as numbers or decimal strings. A value of the wrong type is an
 * OtlpDecodeError naming its path.
 */
export function decodeJsonTraceRequest(body: unknown, keep: SpanPredicate): DecodedTraceRequest {
  const request = message(body, 'request');
  if (!request) throw new OtlpDecodeError('the body must be a JSON object (an ExportTraceServiceRequest)', 'request');
  const spans: OtlpSpan[] = [];
  let total = 0;
  const resourceSpans = list(request.resourceSpans, 'resourceSpans');
  for (let r = 0; r < resourceSpans.length; r++) {
    const rsPath = `resourceSpans[${r}]`;
    const rs = message(resourceSpans[r], rsPath) ?? {};
    const res = message(rs.resource, `${rsPath}.resource`);
    const resource = res ? keyValues(res.attributes, `${rsPath}.resource.attributes`, 0) : {};
    const scopeSpans = list(rs.scopeSpans, `${rsPath}.scopeSpans`);
    for (let s = 0; s < scopeSpans.length; s++) {
      const ssPath = `${rsPath}.scopeSpans[${s}]`;
      const ss = message(scopeSpans[s], ssPath) ?? {};
      const scope = message(ss.scope, `${ssPath}.scope`);
      const scopeName = scope ? string(scope.name, `${ssPath}.scope.name`) : '';
      const items = list(ss.spans, `${ssPath}.spans`);
      for (let i = 0; i < items.length; i++) {
        total += 1;
        const decoded = span(items[i], `${ssPath}.spans[${i}]`, resource, scopeName, keep);
        if (decoded) spans.push(decoded);
      }
    }
  }
  return { spans, total };
}
