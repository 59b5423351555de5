import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { BatchLoader } from '../shared/batch-loader.js';
import { NotFoundError } from '../shared/errors.js';
import { isUuid } from '../shared/ids.js';
import { toModelVersion, type ModelVersion } from './model-version.js';
import { modelVersionRepository, type ModelVersionRow, type RegistryScope } from './kysely-model-version-repository.js';

/** One version of the caller's tenant (and project, for a scoped key); otherwise NotFoundError. */
export async function getModelVersion(db: Kysely<DB>, ctx: ServiceContext, id: string): Promise<ModelVersion> {
  const row = await modelVersionRepository.findById(db, ctx, id);
  if (!row) throw new NotFoundError('model_version', id);
  return toModelVersion(row, ctx.clock.now());
}

/**
 * `getModelVersion` for the hot read path: concurrent reads are answered by one batched query per
 * tenant scope (see {@link BatchLoader}); results are the same as one query each.
 */
export function batchedModelVersionReader(db: Kysely<DB>): (ctx: ServiceContext, id: string) => Promise<ModelVersion> {
  const loader = new BatchLoader<RegistryScope, ModelVersionRow>({
    scopeKey: (scope) => `${scope.tenantId}/${scope.projectId ?? ''}`,
    loadMany: (scope, ids) => modelVersionRepository.findManyByIds(db, scope, ids),
    idOf: (row) => row.id,
  });
  return async (ctx, id) => {
    const row = isUuid(id) ? await loader.load({ tenantId: ctx.tenantId, projectId: ctx.projectId }, id.toLowerCase()) : null;
    if (!row) throw new NotFoundError('model_version', id);
    return toModelVersion(row, ctx.clock.now());
  };
}
