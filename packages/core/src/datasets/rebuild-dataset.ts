import type { ServiceContext } from '../shared/context.js';
import { ConflictError } from '../shared/errors.js';
import type { Dataset, StoredDatasetSource } from './dataset.js';
import { checkDatasetGovernance, enqueueDatasetBuild, insertQueuedDataset } from './create-dataset.js';
import type { DatasetDeps } from './dataset-deps.js';
import { findDatasetRow } from './get-dataset.js';

/**
 * `POST /datasets/{id}/rebuild`: a new version (latest in the group + 1) with this one as parent,
 * the same source, options and config hash; governance is asked again, the build is queued.
 */
export async function rebuildDataset(deps: DatasetDeps, ctx: ServiceContext, id: string): Promise<Dataset> {
  const parent = await findDatasetRow(deps.db, ctx, id);
  const source = parent.source as unknown as StoredDatasetSource;
  if (source.type === 'orchestrator_traces' && !deps.traces) {
    throw new ConflictError('an orchestrator_traces source needs an Orchestrator; set FTM_ORCHESTRATOR_URL', 'orchestrator_not_configured');
  }
  const config = parent.config;
  const decisionId = await checkDatasetGovernance(deps, ctx, parent.project_id, {
    format: parent.format,
    source_type: source.type,
    base_model: parent.base_model,
    sanitization_policy: (config.sanitization as { policy?: string } | undefined)?.policy,
    parent_dataset_id: parent.id,
  });
  const dataset = await deps.db
    .transaction()
    .execute(async (trx) => {
      // Locks the group's newest row so two concurrent rebuilds cannot take the same version.
      const latest = await trx
        .selectFrom('datasets')
        .select('version')
        .where('tenant_id', '=', ctx.tenantId)
        .where('dataset_group_id', '=', parent.dataset_group_id)
        .orderBy('version', 'desc')
        .limit(1)
        .forUpdate()
        .executeTakeFirstOrThrow();
      return insertQueuedDataset(
        trx,
        ctx,
        {
          id: ctx.ids.next(),
          projectId: parent.project_id,
          name: parent.name,
          description: parent.description,
          groupId: parent.dataset_group_id,
          version: latest.version + 1,
          parentId: parent.id,
          configHash: parent.config_hash,
          config,
          source,
          format: parent.format,
          baseModel: parent.base_model ?? String(config.base_model),
          decisionId,
        },
        'dataset.rebuild',
      );
    })
    .catch((error: unknown) => {
      if ((error as { code?: string }).code === '23505') {
        throw new ConflictError('another rebuild of this dataset took the same version; retry', 'dataset_version_conflict');
      }
      throw error;
    });
  await enqueueDatasetBuild(deps, ctx, dataset.id);
  return dataset;
}
