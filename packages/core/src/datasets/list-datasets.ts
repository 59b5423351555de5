import type { Kysely } from 'kysely';
import { decodeIdCursor, toIdPage, type Page } from '../db/pagination.js';
import type { DB } from '../db/schema.js';
import { parseInput } from '../shared/parse-input.js';
import type { ServiceContext } from '../shared/context.js';
import { ListDatasetsInput, toDataset, type Dataset } from './dataset.js';

/** `GET /datasets`: newest first, filtered, keyset-paginated by id. */
export async function listDatasets(db: Kysely<DB>, ctx: ServiceContext, query: unknown): Promise<Page<Dataset>> {
  const input = parseInput(ListDatasetsInput, query, 'query');
  let q = db.selectFrom('datasets').selectAll().where('tenant_id', '=', ctx.tenantId);
  // A scoped key asking for another project simply sees nothing.
  if (ctx.projectId) q = q.where('project_id', '=', ctx.projectId);
  if (input.project_id) q = q.where('project_id', '=', input.project_id);
  if (input.status) q = q.where('status', '=', input.status);
  if (input.format) q = q.where('format', '=', input.format);
  if (input.dataset_group_id) q = q.where('dataset_group_id', '=', input.dataset_group_id);
  if (input.parent_dataset_id) q = q.where('parent_dataset_id', '=', input.parent_dataset_id);
  if (input.cursor) q = q.where('id', '<', decodeIdCursor(input.cursor));
  const rows = await q
    .orderBy('id', 'desc')
    .limit(input.limit + 1)
    .execute();
  return toIdPage(rows, input.limit, toDataset);
}
