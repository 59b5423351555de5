import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { NotFoundError } from '../shared/errors.js';
import { isUuid } from '../shared/ids.js';
import { toDataset, type Dataset, type DatasetRow } from './dataset.js';

/** The row of a dataset the caller may see (tenant, and project for scoped keys), or NotFoundError. */
export async function findDatasetRow(db: Kysely<DB>, ctx: ServiceContext, id: string): Promise<DatasetRow> {
  if (!isUuid(id)) throw new NotFoundError('dataset', id);
  let query = db.selectFrom('datasets').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', id);
  if (ctx.projectId) query = query.where('project_id', '=', ctx.projectId);
  const row = await query.executeTakeFirst();
  if (!row) throw new NotFoundError('dataset', id);
  return row;
}

/** `GET /datasets/{id}`: live progress while building, the full report once done. */
export async function getDataset(db: Kysely<DB>, ctx: ServiceContext, id: string): Promise<Dataset> {
  return toDataset(await findDatasetRow(db, ctx, id));
}
