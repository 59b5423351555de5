import { readConversation, toChatExample, type ChatExample } from './conversation/read-conversation.js';
import { finishReasonsOf } from './conversation/chat-message.js';
import { isIndexedContentKey } from './conversation/read-indexed-messages.js';
import { SEMCONV_CONTENT_KEYS } from './conversation/read-semconv-messages.js';
import { inferenceOperation, type InferenceOperation } from './inference-operation.js';
import type { OtlpAttributes, OtlpSpan, OtlpValue } from './otlp/otlp-span.js';

/** A span attribute kept for dataset filters: scalars and lists of scalars. */
export type SpanAttributeValue = string | number | boolean | readonly (string | number | boolean)[];

/** What FTM keeps of one GenAI inference span, before sanitization. */
export interface GenAiSpanRecord {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | null;
  readonly serviceName: string | null;
  readonly operation: InferenceOperation;
  readonly provider: string | null;
  readonly requestModel: string | null;
  readonly responseModel: string | null;
  readonly finishReasons: readonly string[];
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  readonly startTime: Date;
  readonly endTime: Date | null;
  readonly statusCode: number;
  /** The `jsonl_chat` example (mutable: sanitization rewrites its texts in place). */
  readonly example: ChatExample;
  readonly attributes: Record<string, SpanAttributeValue>;
}

/** Why an inference span is refused (reported to the exporter as a partial success). */
export type SpanRejection = 'invalid_id' | 'no_content' | 'no_reply' | 'too_large';

export type SpanExtraction =
  | { readonly kind: 'kept'; readonly record: GenAiSpanRecord }
  | { readonly kind: 'rejected'; readonly reason: SpanRejection }
  /** Not training material (a failed call): dropped like any non-inference span, not reported. */
  | { readonly kind: 'dropped' };

const TRACE_ID_RE = /^(?!0{32})[0-9a-f]{32}$/;
const SPAN_ID_RE = /^(?!0{16})[0-9a-f]{16}$/;
const STATUS_ERROR = 2;

/** Most attributes kept per span for filters, and the longest string value kept (room for a correction; longer is content). */
export const MAX_FILTER_ATTRIBUTES = 64;
export const MAX_FILTER_VALUE_LENGTH = 8192;
/** The largest example (JSON bytes) stored for one span. */
export const MAX_EXAMPLE_BYTES = 2 * 1024 * 1024;

const CONTENT_KEYS = new Set<string>([...SEMCONV_CONTENT_KEYS, 'gen_ai.prompt', 'gen_ai.completion', 'gen_ai.event.content']);

const str = (v: OtlpValue | undefined): string | null => (typeof v === 'string' && v !== '' ? v : null);
const int = (v: OtlpValue | undefined): number | null => {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 && n <= 2_147_483_647 ? n : null;
};

function isScalar(v: OtlpValue): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

/**
 * The span's attributes FTM keeps for dataset filters (a feedback score, a user tier, a route):
 * every scalar or list of scalars except the content the conventions define, at most
 * MAX_FILTER_ATTRIBUTES, strings up to MAX_FILTER_VALUE_LENGTH. They are sanitized like content.
 */
export function filterAttributes(attributes: OtlpAttributes): Record<string, SpanAttributeValue> {
  const out: Record<string, SpanAttributeValue> = {};
  let kept = 0;
  for (const key of Object.keys(attributes).sort()) {
    if (kept >= MAX_FILTER_ATTRIBUTES) break;
    if (CONTENT_KEYS.has(key) || isIndexedContentKey(key) || key.length > 256) continue;
    const value = attributes[key]!;
    if (isScalar(value)) {
      if (typeof value === 'string' && value.length > MAX_FILTER_VALUE_LENGTH) continue;
      out[key] = value;
      kept += 1;
    } else if (Array.isArray(value) && value.length <= 64 && value.every((v) => isScalar(v) && (typeof v !== 'string' || v.length <= MAX_FILTER_VALUE_LENGTH))) {
      out[key] = value as (string | number | boolean)[];
      kept += 1;
    }
  }
  return out;
}

/**
 * One received span → what FTM stores of it, or why not. Only inference spans reach here (the
 * decoders dropped the rest); a failed call is dropped, a span without valid ids, without
 * captured content, without a reply, or over MAX_EXAMPLE_BYTES is rejected. A span without a
 * start time is dated `receivedAt`.
 */
export function extractGenAiSpan(span: OtlpSpan, receivedAt: Date): SpanExtraction {
  const operation = inferenceOperation(span.attributes);
  if (!operation || span.statusCode === STATUS_ERROR) return { kind: 'dropped' };
  if (!TRACE_ID_RE.test(span.traceId) || !SPAN_ID_RE.test(span.spanId)) return { kind: 'rejected', reason: 'invalid_id' };
  const conversation = readConversation(span);
  if (!conversation || conversation.messages.length === 0) return { kind: 'rejected', reason: 'no_content' };
  const example = toChatExample(conversation);
  if (!example) return { kind: 'rejected', reason: 'no_reply' };
  if (Buffer.byteLength(JSON.stringify(example), 'utf8') > MAX_EXAMPLE_BYTES) return { kind: 'rejected', reason: 'too_large' };
  const a = span.attributes;
  const finishReasons = finishReasonsOf(a['gen_ai.response.finish_reasons']);
  return {
    kind: 'kept',
    record: {
      traceId: span.traceId,
      spanId: span.spanId,
      parentSpanId: SPAN_ID_RE.test(span.parentSpanId) ? span.parentSpanId : null,
      serviceName: str(span.resource['service.name']),
      operation,
      provider: str(a['gen_ai.provider.name']) ?? str(a['gen_ai.system']),
      requestModel: str(a['gen_ai.request.model']),
      responseModel: str(a['gen_ai.response.model']),
      finishReasons: finishReasons.length > 0 ? finishReasons : conversation.finishReasons,
      inputTokens: int(a['gen_ai.usage.input_tokens']) ?? int(a['gen_ai.usage.prompt_tokens']),
      outputTokens: int(a['gen_ai.usage.output_tokens']) ?? int(a['gen_ai.usage.completion_tokens']),
      startTime: span.startTimeMs > 0 ? new Date(span.startTimeMs) : receivedAt,
      endTime: span.endTimeMs > 0 ? new Date(span.endTimeMs) : null,
      statusCode: span.statusCode,
      example,
      attributes: filterAttributes(a),
    },
  };
}

/** The sentence a partial success gives for each rejection reason. */
export const REJECTION_MESSAGES: Readonly<Record<SpanRejection, string>> = {
  invalid_id: 'had no valid trace or span id',
  no_content: 'carried no messages (turn on content capture, e.g. OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true)',
  no_reply: 'had no assistant reply (gen_ai.output.messages, gen_ai.choice or gen_ai.completion.0.*)',
  too_large: `held an example over ${MAX_EXAMPLE_BYTES} bytes`,
};
