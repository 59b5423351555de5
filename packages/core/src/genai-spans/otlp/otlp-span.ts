/**
 * An attribute value as OTLP's AnyValue carries it: int64 values are numbers when they are safe
 * integers (else decimal strings), bytes are base64 strings, kvlists are plain objects.
 */
export type OtlpValue = string | number | boolean | null | readonly OtlpValue[] | { readonly [key: string]: OtlpValue };

export type OtlpAttributes = Readonly<Record<string, OtlpValue>>;

/** A span event (GenAI instrumentations of the earlier conventions put messages there). */
export interface OtlpSpanEvent {
  readonly name: string;
  /** Milliseconds since the epoch (fractional: OTLP times are nanoseconds). */
  readonly timeMs: number;
  readonly attributes: OtlpAttributes;
}

/**
 * One span as both OTLP encodings decode to it, with the attributes of its resource and the
 * name of its instrumentation scope. Ids are lower-case hex ('' when absent).
 */
export interface OtlpSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly name: string;
  readonly kind: number;
  readonly startTimeMs: number;
  readonly endTimeMs: number;
  readonly attributes: OtlpAttributes;
  readonly events: readonly OtlpSpanEvent[];
  /** 0 unset, 1 ok, 2 error. */
  readonly statusCode: number;
  readonly resource: OtlpAttributes;
  readonly scopeName: string;
}

/** Decides from a span's own attributes, before anything else of it is decoded, whether to keep it. */
export type SpanPredicate = (attributes: OtlpAttributes) => boolean;

/** What a decoder returns: the spans the predicate kept, and how many spans the request held. */
export interface DecodedTraceRequest {
  readonly spans: readonly OtlpSpan[];
  readonly total: number;
}

/** The request cannot be decoded as an ExportTraceServiceRequest: OTLP's "bad data", a 400. */
export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
  constructor(
    message: string,
    /** Where in the request (`resourceSpans[0].scopeSpans[1].spans[2].traceId`), when known. */
    readonly field: string | null = null,
  ) {
    super(message);
  }
}
