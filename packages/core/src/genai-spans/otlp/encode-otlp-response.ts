import { ProtobufWriter } from './protobuf-reader.js';

/** The two OTLP/HTTP encodings; a response uses the request's. */
export type OtlpEncoding = 'json' | 'protobuf';

export const OTLP_CONTENT_TYPES: Readonly<Record<OtlpEncoding, string>> = {
  json: 'application/json',
  protobuf: 'application/x-protobuf',
};

/** What an export request came to: spans refused (with why), or nothing to report. */
export interface ExportOutcome {
  readonly rejectedSpans: number;
  /** Required when rejectedSpans > 0; may warn with 0 rejected. */
  readonly errorMessage: string;
}

/** One bad field of a 400, as google.rpc.BadRequest.FieldViolation. */
export interface OtlpFieldViolation {
  readonly field: string;
  readonly description: string;
}

const BAD_REQUEST_TYPE_URL = 'type.googleapis.com/google.rpc.BadRequest';

/**
 * An ExportTraceServiceResponse (bytes in both encodings, so no charset is added to the media type). `partial_success` is set only when something was rejected or
 * there is a message, as the OTLP specification requires (left unset on full success).
 */
export function encodeExportResponse(encoding: OtlpEncoding, outcome: ExportOutcome | null): Buffer {
  const partial = outcome && (outcome.rejectedSpans > 0 || outcome.errorMessage !== '') ? outcome : null;
  if (encoding === 'json') {
    return Buffer.from(JSON.stringify(partial ? { partialSuccess: { rejectedSpans: String(partial.rejectedSpans), errorMessage: partial.errorMessage } } : {}));
  }
  const response = new ProtobufWriter();
  if (partial) response.messageField(1, new ProtobufWriter().int64Field(1, partial.rejectedSpans).stringField(2, partial.errorMessage));
  return response.finish();
}

/**
 * A google.rpc.Status, the body of every OTLP/HTTP 4xx and 5xx. `code` is the gRPC code that
 * matches the HTTP status (the specification leaves it optional); a 400 carries a BadRequest
 * with the field violations in `details`.
 */
export function encodeStatus(encoding: OtlpEncoding, grpcCode: number, message: string, violations: readonly OtlpFieldViolation[] = []): Buffer {
  if (encoding === 'json') {
    const details = violations.length > 0 ? [{ '@type': BAD_REQUEST_TYPE_URL, fieldViolations: violations.map((v) => ({ field: v.field, description: v.description })) }] : [];
    return Buffer.from(JSON.stringify({ code: grpcCode, message, ...(details.length > 0 ? { details } : {}) }));
  }
  const status = new ProtobufWriter().int64Field(1, grpcCode).stringField(2, message);
  if (violations.length > 0) {
    const badRequest = new ProtobufWriter();
    for (const v of violations) badRequest.messageField(1, new ProtobufWriter().stringField(1, v.field).stringField(2, v.description));
    status.messageField(3, new ProtobufWriter().stringField(1, BAD_REQUEST_TYPE_URL).bytesField(2, badRequest.finish()));
  }
  return status.finish();
}

/** gRPC status codes that go with the HTTP statuses the receiver answers. */
export const GRPC_CODE_FOR_HTTP: Readonly<Record<number, number>> = {
  400: 3, // INVALID_ARGUMENT
  401: 16, // UNAUTHENTICATED
  403: 7, // PERMISSION_DENIED
  404: 5, // NOT_FOUND
  413: 8, // RESOURCE_EXHAUSTED
  415: 3, // INVALID_ARGUMENT
  429: 8, // RESOURCE_EXHAUSTED
  500: 13, // INTERNAL
  503: 14, // UNAVAILABLE
};
