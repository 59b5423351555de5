import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { NotFoundError } from '../shared/errors.js';
import type { ModelRunnerRegistry, RunnerModel } from '../runners/model-runner.js';
import type { ModelRef } from './model-ref.js';

/** A model ref resolved for one tenant: what to call, and the registered version it is, if any. */
export interface ResolvedModel {
  readonly model: RunnerModel;
  readonly modelVersionId: string | null;
}

/** Who resolves: the tenant, and the project a scoped key is limited to. */
export interface ModelScope {
  readonly tenantId: string;
  readonly projectId: string | null;
}

/**
 * `base_model` → the name on the provider it names, else on the default provider; `ft_model_version` → that version's provider
 * and model id (another tenant's version, or another project's for a scoped key, is a
 * NotFoundError); `provider_model_id` → as is, linked to this tenant's version of it when one is
 * registered (so its scores reach the registry).
 */
export async function resolveModelRef(db: Kysely<DB>, runners: Pick<ModelRunnerRegistry, 'defaultProvider'>, scope: ModelScope, ref: ModelRef): Promise<ResolvedModel> {
  if (ref.type === 'base_model') return { model: { id: ref.value, provider: ref.provider ?? runners.defaultProvider }, modelVersionId: null };
  let q = db.selectFrom('model_versions').select(['id', 'provider', 'provider_model_id', 'dataset_id']).where('tenant_id', '=', scope.tenantId);
  if (scope.projectId) q = q.where('project_id', '=', scope.projectId);
  if (ref.type === 'ft_model_version') {
    const row = await q.where('id', '=', ref.value).executeTakeFirst();
    if (!row) throw new NotFoundError('model_version', ref.value);
    return { model: toRunnerModel(scope.tenantId, row), modelVersionId: row.id };
  }
  const provider = ref.provider ?? runners.defaultProvider;
  const row = await q.where('provider', '=', provider).where('provider_model_id', '=', ref.value).executeTakeFirst();
  if (row) return { model: toRunnerModel(scope.tenantId, row), modelVersionId: row.id };
  return { model: { id: ref.value, provider }, modelVersionId: null };
}

function toRunnerModel(tenantId: string, row: { provider: string; provider_model_id: string; dataset_id: string | null }): RunnerModel {
  return {
    id: row.provider_model_id,
    provider: row.provider,
    ...(row.dataset_id ? { trainedOn: { tenantId, datasetId: row.dataset_id } } : {}),
  };
}
