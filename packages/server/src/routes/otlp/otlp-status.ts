import type { FastifyReply, FastifyRequest } from 'fastify';
import { encodeStatus, GRPC_CODE_FOR_HTTP, OTLP_CONTENT_TYPES, OtlpDecodeError, type OtlpEncoding } from '@ftm/core';
import { problemFor } from '../../http/problem.js';

/** Media type not OTLP's (415), or an encoding other than gzip or identity. */
export class OtlpUnsupportedMediaError extends Error {
  override readonly name = 'OtlpUnsupportedMediaError';
}

/** The request's OTLP encoding from its Content-Type; null when it is neither. */
export function otlpEncodingOf(request: FastifyRequest): OtlpEncoding | null {
  const type = (request.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (type === OTLP_CONTENT_TYPES.protobuf) return 'protobuf';
  if (type === OTLP_CONTENT_TYPES.json) return 'json';
  return null;
}

/**
 * Answers an OTLP request that failed the way OTLP/HTTP says to: the status of the failure with a
 * google.rpc.Status body in the request's encoding (JSON when the request had neither). Bad data
 * is a 400 with a BadRequest naming the field; 429 and 503 carry Retry-After so exporters retry,
 * every other 4xx tells them not to. Internal details never reach the body.
 */
export function sendOtlpError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const encoding = otlpEncodingOf(request) ?? 'json';
  let status: number;
  let message: string;
  let headers: Readonly<Record<string, string>> = {};
  const violations: { field: string; description: string }[] = [];
  if (error instanceof OtlpDecodeError) {
    status = 400;
    message = error.message;
    violations.push({ field: error.field ?? 'request', description: error.message });
  } else if (error instanceof OtlpUnsupportedMediaError) {
    status = 415;
    message = error.message;
  } else {
    const { problem, headers: problemHeaders } = problemFor(error, request.id);
    status = problem.status;
    headers = problemHeaders;
    // problemFor words a body it cannot parse for JSON APIs; OTLP's bodies are protobuf too.
    message = status === 400 ? 'the request body cannot be read as an OTLP export request' : problem.detail;
    if (status >= 500) request.log.error({ err: error }, 'OTLP export failed');
  }
  const body = encodeStatus(encoding, GRPC_CODE_FOR_HTTP[status] ?? 2, message, violations);
  return reply.code(status).headers(headers).header('x-request-id', request.id).type(OTLP_CONTENT_TYPES[encoding]).send(body);
}
