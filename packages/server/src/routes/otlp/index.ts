import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { encodeExportResponse, OTLP_CONTENT_TYPES, OtlpDecodeError, PayloadTooLargeError, type Ftm } from '@ftm/core';
import { authHook } from '../../http/auth-hook.js';
import { otlpEncodingOf, OtlpUnsupportedMediaError, sendOtlpError } from './otlp-status.js';
import '../../http/request-context.js';

const gunzipAsync = promisify(gunzip);

/** Where the receiver listens and how large a request may be. */
export interface OtlpReceiverOptions {
  /** Path the exporter's endpoint points at; the route is `<prefix>/v1/traces` (default `/otlp`). */
  readonly pathPrefix: string;
  /** Largest request body, compressed and after decompression alike (default 20 MiB, OTLP's recommendation). */
  readonly maxBodyBytes: number;
}

export const DEFAULT_OTLP_OPTIONS: OtlpReceiverOptions = { pathPrefix: '/otlp', maxBodyBytes: 20 * 1024 * 1024 };

const UNSUPPORTED = Symbol('unsupported media type');

/** The body as sent, decompressed when it is gzip; at most `limit` bytes either way. */
async function plainBody(raw: Buffer, contentEncoding: string | undefined, limit: number): Promise<Buffer> {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return raw;
  if (encoding !== 'gzip') throw new OtlpUnsupportedMediaError(`Content-Encoding ${encoding} is not supported; send gzip or no encoding`);
  try {
    return await gunzipAsync(raw, { maxOutputLength: limit });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new PayloadTooLargeError(limit);
    throw new OtlpDecodeError('the body is not valid gzip', 'request');
  }
}

/**
 * The OTLP/HTTP trace receiver, `POST <prefix>/v1/traces`: binary protobuf or JSON, optionally
 * gzip, authenticated with an FTM API key (its tenant and project own the spans). It answers the
 * way OTLP exporters expect, not with problem+json: an ExportTraceServiceResponse in the request's
 * encoding (with `partial_success` when spans were refused), or a google.rpc.Status with the
 * status code the OTLP specification gives each failure. No Idempotency-Key: exporters send none,
 * and a retried batch stores each span once anyway.
 */
export async function otlpRoutes(app: FastifyInstance, { ftm, options }: { ftm: Ftm; options: OtlpReceiverOptions }): Promise<void> {
  app.addHook('onRequest', authHook(ftm));
  app.setErrorHandler(async (error, request, reply) => sendOtlpError(error, request, reply));
  // This scope reads its own bodies: bytes of either encoding, never Fastify's JSON parser.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser([OTLP_CONTENT_TYPES.json, OTLP_CONTENT_TYPES.protobuf], { parseAs: 'buffer', bodyLimit: options.maxBodyBytes }, (_request, body, done) => done(null, body));
  app.addContentTypeParser('*', (_request, _payload, done) => done(null, UNSUPPORTED));

  const prefix = options.pathPrefix === '/' ? '' : options.pathPrefix;
  app.post(`${prefix}/v1/traces`, { bodyLimit: options.maxBodyBytes }, async (request, reply) => {
    const encoding = otlpEncodingOf(request);
    if (!encoding || request.body === UNSUPPORTED || !Buffer.isBuffer(request.body)) {
      throw new OtlpUnsupportedMediaError('send application/x-protobuf or application/json (OTLP/HTTP)');
    }
    const body = await plainBody(request.body, request.headers['content-encoding'], options.maxBodyBytes);
    const result = await ftm.genAiSpans.ingest(request.ctx, { body, encoding });
    if (result.rejectedSpans > 0) request.log.info({ received: result.received, stored: result.stored, rejected: result.rejectedSpans }, 'OTLP spans refused');
    return reply.code(200).type(OTLP_CONTENT_TYPES[encoding]).send(encodeExportResponse(encoding, result));
  });
}
