import type { ServiceContext } from '../shared/context.js';
import { PayloadTooLargeError, ValidationError } from '../shared/errors.js';
import { recordAudit } from '../audit/record-audit.js';
import { recordEvent } from '../outbox/record-event.js';
import type { DatasetDeps } from './dataset-deps.js';
import { Utf8Guard } from './build/line-reader.js';
import { resolveDatasetProject } from './dataset-project.js';

/** Largest upload accepted (bytes). */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

/** An upload as the API returns it. */
export interface Upload {
  readonly id: string;
  readonly size_bytes: number;
  readonly sha256: string;
  readonly created_at: string;
}

export interface CreateUploadInput {
  readonly body: AsyncIterable<Uint8Array>;
  /** The Content-Length, when the transport knows it: refused at once when over the cap. */
  readonly declaredBytes?: number;
  readonly projectId?: string;
  readonly filename?: string;
  readonly contentType?: string;
  /** Lower cap than MAX_UPLOAD_BYTES (tests, quotas). */
  readonly maxBytes?: number;
}

/** Passes bytes through while refusing anything that is not UTF-8 text without NUL bytes. */
async function* textOnly(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const guard = new Utf8Guard();
  for await (const chunk of body) {
    guard.check(chunk);
    yield chunk;
  }
  guard.end();
}

/**
 * `POST /uploads`: streams a JSONL body to blob storage (never buffering it), hashing as it goes.
 * Binary or non-UTF-8 content and empty bodies are ValidationError (400); more than 512 MB is
 * PayloadTooLargeError (413). In every refusal nothing is stored.
 */
export async function createUpload(deps: DatasetDeps, ctx: ServiceContext, input: CreateUploadInput): Promise<Upload> {
  const maxBytes = Math.min(input.maxBytes ?? MAX_UPLOAD_BYTES, MAX_UPLOAD_BYTES);
  if (input.declaredBytes !== undefined && input.declaredBytes > maxBytes) throw new PayloadTooLargeError(maxBytes);
  const projectId = await resolveDatasetProject(deps.db, ctx, input.projectId);
  const id = ctx.ids.next();
  const key = `uploads/${ctx.tenantId}/${id}.jsonl`;
  const info = await deps.blobs.put(key, textOnly(input.body), { contentType: 'application/x-ndjson', maxBytes });
  if (info.sizeBytes === 0) {
    await deps.blobs.delete(key);
    throw new ValidationError('the upload is empty; send JSONL, one record per line', [{ path: 'body', message: 'empty' }]);
  }
  const createdAt = ctx.clock.now();
  try {
    await deps.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('uploads')
        .values({
          id,
          tenant_id: ctx.tenantId,
          project_id: projectId,
          filename: input.filename ?? null,
          content_type: input.contentType ?? 'application/x-ndjson',
          blob_key: key,
          size_bytes: info.sizeBytes,
          sha256: info.sha256,
          created_by: `${ctx.actor.type}:${ctx.actor.id}`,
          created_at: createdAt,
        })
        .execute();
      const upload = { id, size_bytes: info.sizeBytes, sha256: info.sha256, created_at: createdAt.toISOString() };
      await recordEvent(trx, ctx, { type: 'upload.created', resourceType: 'upload', resourceId: id, projectId, payload: { upload } });
      await recordAudit(trx, ctx, {
        action: 'upload.create',
        resourceType: 'upload',
        resourceId: id,
        projectId,
        summary: `uploaded ${info.sizeBytes} bytes of JSONL`,
        details: { size_bytes: info.sizeBytes, sha256: info.sha256 },
      });
    });
  } catch (error) {
    await deps.blobs.delete(key);
    throw error;
  }
  return { id, size_bytes: info.sizeBytes, sha256: info.sha256, created_at: createdAt.toISOString() };
}
