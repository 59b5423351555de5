import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { decodeIdCursor, toIdPage, type Page } from '../db/pagination.js';
import { ListModelVersionsInput, toModelVersion, type ModelVersion } from './model-version.js';
import { modelVersionRepository } from './kysely-model-version-repository.js';
import { parseInput } from '../shared/parse-input.js';

/**
 * Newest first, filtered by project, status and base model, keyset-paginated by id. A scoped key
 * asking for another project simply sees nothing.
 */
export async function listModelVersions(db: Kysely<DB>, ctx: ServiceContext, query: unknown): Promise<Page<ModelVersion>> {
  const input = parseInput(ListModelVersionsInput, query, 'query');
  const rows = await modelVersionRepository.list(db, ctx, {
    projectId: input.project_id,
    status: input.status,
    baseModel: input.base_model,
    beforeId: input.cursor ? decodeIdCursor(input.cursor) : undefined,
    limit: input.limit,
  });
  return toIdPage(rows, input.limit, (row) => toModelVersion(row, ctx.clock.now()));
}
