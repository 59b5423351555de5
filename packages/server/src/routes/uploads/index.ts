import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MAX_UPLOAD_BYTES, PayloadTooLargeError, ValidationError, type Ftm } from '@ftm/core';
import { uuidParam } from '../../http/path-params.js';
import '../../http/request-context.js';

/** Media types POST /uploads streams; anything else is refused before a byte is read. */
export const UPLOAD_MEDIA_TYPES = ['application/x-ndjson', 'application/jsonl', 'application/json-lines', 'text/plain'] as const;

// The request bodies of this plugin's routes, kept out of `request.body` (which the idempotency
// hook fingerprints) so they are read exactly once, by the use case.
const bodies = new WeakMap<FastifyRequest, Readable>();

/** Content-Length as a number, when the client sent a valid one. */
function declaredBytes(request: FastifyRequest): number | undefined {
  const raw = request.headers['content-length'];
  if (raw === undefined || !/^\d{1,16}$/.test(raw)) return undefined;
  return Number(raw);
}

/** `POST /uploads` (streamed JSONL, up to 512 MB) and `GET /uploads/{id}`. */
export async function uploadsRoutes(app: FastifyInstance, { ftm }: { ftm: Ftm }): Promise<void> {
  // Scoped to this plugin: the body passes through as a stream, never buffered or size-limited by
  // Fastify (the use case enforces the cap while streaming). What the idempotency hook sees in its
  // place describes the request, since the content itself is only known once it is stored.
  app.addContentTypeParser([...UPLOAD_MEDIA_TYPES], (request, payload, done) => {
    bodies.set(request, payload as Readable);
    done(null, { content_type: request.headers['content-type'] ?? null, content_length: declaredBytes(request) ?? null });
  });
  app.addContentTypeParser('*', (_request, _payload, done) => done(null, { unsupported_media_type: true }));

  app.post(
    '/uploads',
    {
      // After auth (plugin-level hooks run first), before the idempotency claim or any byte read.
      onRequest: async (request) => {
        const declared = declaredBytes(request);
        if (declared !== undefined && declared > MAX_UPLOAD_BYTES) throw new PayloadTooLargeError(MAX_UPLOAD_BYTES);
      },
    },
    async (request, reply) => {
      const body = bodies.get(request);
      if (!body) {
        throw new ValidationError('send the JSONL file as the raw body with Content-Type: application/x-ndjson', [{ path: 'Content-Type', message: `one of ${UPLOAD_MEDIA_TYPES.join(', ')}` }]);
      }
      const declared = declaredBytes(request);
      const upload = await ftm.datasets.createUpload(request.ctx, {
        body,
        ...(declared !== undefined ? { declaredBytes: declared } : {}),
        contentType: 'application/x-ndjson',
      });
      return reply.code(201).header('location', `/uploads/${upload.id}`).send(upload);
    },
  );

  app.get('/uploads/:id', async (request) => ftm.datasets.getUpload(request.ctx, uuidParam(request.params)));
}
