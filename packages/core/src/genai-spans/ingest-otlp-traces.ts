import type { Kysely } from 'kysely';
import { canonicalSha256 } from '../shared/canonical-json.js';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import type { Sanitizer } from '../sanitization/sanitizer.js';
import { extractGenAiSpan, REJECTION_MESSAGES, type GenAiSpanRecord, type SpanRejection } from './genai-span-record.js';
import { isInferenceSpan } from './inference-operation.js';
import { decodeJsonTraceRequest } from './otlp/decode-json-trace-request.js';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from '../shared/json-limits.js';
import { decodeProtobufTraceRequest } from './otlp/decode-protobuf-trace-request.js';
import type { ExportOutcome, OtlpEncoding } from './otlp/encode-otlp-response.js';
import { OtlpDecodeError, type DecodedTraceRequest } from './otlp/otlp-span.js';
import { sanitizeSpanRecords, type SanitizedSpanRecord } from './sanitize-span-records.js';
import { insertGenAiSpanRows, type GenAiSpanRow, type GenAiSpanWriter } from './genai-span-writer.js';

/** What the receiver needs: the store, and the dataset builds' sanitizer. */
export interface GenAiSpanDeps {
  readonly db: Kysely<DB>;
  readonly sanitizer: Sanitizer;
  /** Shares inserts between concurrent requests (one per process); without it each request inserts alone. */
  readonly writer?: GenAiSpanWriter;
}

/** One OTLP/HTTP export request body (already decompressed) and its encoding. */
export interface IngestOtlpTracesInput {
  readonly body: Buffer;
  readonly encoding: OtlpEncoding;
}

/** What became of an export request's spans. */
export interface IngestOtlpTracesResult extends ExportOutcome {
  /** Spans in the request. */
  readonly received: number;
  /** GenAI inference spans stored (or already stored: a retry is not stored twice). */
  readonly stored: number;
  /** Spans that are not GenAI inference (or failed calls), dropped without being stored. */
  readonly dropped: number;
}

function decode(input: IngestOtlpTracesInput): DecodedTraceRequest {
  if (input.encoding === 'protobuf') return decodeProtobufTraceRequest(input.body, isInferenceSpan);
  const text = input.body.toString('utf8');
  // The receiver reads its own bodies, so the edge's depth rule is applied here too.
  if (exceedsJsonDepth(text)) throw new OtlpDecodeError(`the body nests deeper than ${MAX_JSON_DEPTH} levels`, 'request');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new OtlpDecodeError('the body is not valid JSON', 'request');
  }
  return decodeJsonTraceRequest(parsed, isInferenceSpan);
}

/** The prompt of an example (everything before its reply) and its tools, hashed: spans answering one prompt share it. */
function promptDigest(record: GenAiSpanRecord): string {
  const messages = record.example.messages;
  return canonicalSha256({ messages: messages.slice(0, messages.length - 1), tools: record.example.tools ?? null });
}

function rejectionMessage(rejected: ReadonlyMap<SpanRejection, number>): string {
  const parts = [...rejected.entries()].map(([reason, count]) => `${count} ${count === 1 ? 'span' : 'spans'} ${REJECTION_MESSAGES[reason]}`);
  return `GenAI inference spans not stored: ${parts.join('; ')}`;
}

function toRows(ctx: ServiceContext, records: readonly SanitizedSpanRecord[]): GenAiSpanRow[] {
  const now = ctx.clock.now().toISOString();
  return records.map(({ record: r, findings }) => ({
    tenant_id: ctx.tenantId,
    trace_id: r.traceId,
    span_id: r.spanId,
    project_id: ctx.projectId,
    parent_span_id: r.parentSpanId,
    service_name: r.serviceName,
    operation: r.operation,
    provider: r.provider,
    request_model: r.requestModel,
    response_model: r.responseModel,
    finish_reasons: [...r.finishReasons],
    input_tokens: r.inputTokens,
    output_tokens: r.outputTokens,
    start_time: new Date(r.startTime).toISOString(),
    end_time: r.endTime === null ? null : new Date(r.endTime).toISOString(),
    status_code: r.statusCode,
    example: JSON.stringify(r.example),
    prompt_sha256: promptDigest(r),
    attributes: r.attributes,
    findings,
    received_at: now,
  }));
}

/**
 * `POST /otlp/v1/traces`: decodes an ExportTraceServiceRequest (OtlpDecodeError: OTLP's bad
 * data), keeps the GenAI inference spans and drops the rest undecoded, maps each to a chat
 * example, sanitizes every text with the builds' sanitizer before anything is written, and
 * stores the spans under the caller's tenant and project. Spans that cannot become an example
 * are reported back as a partial success. Receiving spans is telemetry, not a change to a
 * resource: no event or audit row is written per request (datasets built from them are).
 */
export async function ingestOtlpTraces(deps: GenAiSpanDeps, ctx: ServiceContext, input: IngestOtlpTracesInput): Promise<IngestOtlpTracesResult> {
  const decoded = decode(input);
  const receivedAt = ctx.clock.now();
  const kept: GenAiSpanRecord[] = [];
  const rejected = new Map<SpanRejection, number>();
  let dropped = decoded.total - decoded.spans.length;
  let rejectedSpans = 0;
  const seen = new Set<string>();
  for (const span of decoded.spans) {
    const extraction = extractGenAiSpan(span, receivedAt);
    if (extraction.kind === 'dropped') dropped += 1;
    else if (extraction.kind === 'rejected') {
      rejected.set(extraction.reason, (rejected.get(extraction.reason) ?? 0) + 1);
      rejectedSpans += 1;
    } else {
      // One statement cannot insert the same key twice; a request repeating a span keeps the first.
      const key = `${extraction.record.traceId}:${extraction.record.spanId}`;
      if (seen.has(key)) dropped += 1;
      else {
        seen.add(key);
        kept.push(extraction.record);
      }
    }
  }
  if (kept.length > 0) {
    const rows = toRows(ctx, await sanitizeSpanRecords(deps.sanitizer, kept));
    await (deps.writer ? deps.writer.write(rows) : insertGenAiSpanRows(deps.db, rows));
  }
  return {
    received: decoded.total,
    stored: kept.length,
    dropped,
    rejectedSpans,
    errorMessage: rejectedSpans > 0 ? rejectionMessage(rejected) : '',
  };
}
