import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { NotFoundError } from '../shared/errors.js';
import { isUuid } from '../shared/ids.js';
import type { Upload } from './create-upload.js';

/** `GET /uploads/{id}`: the caller's upload (tenant, and project for scoped keys), or NotFoundError. */
export async function getUpload(db: Kysely<DB>, ctx: ServiceContext, id: string): Promise<Upload> {
  if (!isUuid(id)) throw new NotFoundError('upload', id);
  let query = db.selectFrom('uploads').select(['id', 'size_bytes', 'sha256', 'created_at']).where('tenant_id', '=', ctx.tenantId).where('id', '=', id);
  if (ctx.projectId) query = query.where('project_id', '=', ctx.projectId);
  const row = await query.executeTakeFirst();
  if (!row) throw new NotFoundError('upload', id);
  // pg returns bigint as a string; uploads are capped far below 2^53.
  return { id: row.id, size_bytes: Number(row.size_bytes), sha256: row.sha256, created_at: new Date(row.created_at).toISOString() };
}
