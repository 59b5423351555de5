import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { NotFoundError } from '../shared/errors.js';
import { toModelVersion, type ModelVersion } from './model-version.js';
import { modelVersionRepository } from './kysely-model-version-repository.js';

/** One version of the caller's tenant (and project, for a scoped key); otherwise NotFoundError. */
export async function getModelVersion(db: Kysely<DB>, ctx: ServiceContext, id: string): Promise<ModelVersion> {
  const row = await modelVersionRepository.findById(db, ctx, id);
  if (!row) throw new NotFoundError('model_version', id);
  return toModelVersion(row);
}
