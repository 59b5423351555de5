import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../shared/errors.js';
import { recordEvent } from '../outbox/record-event.js';
import { recordAudit } from '../audit/record-audit.js';
import { CreateModelVersionInput, RegisterModelVersionInput, toModelVersion, type ModelVersion } from './model-version.js';
import { modelVersionRepository } from './kysely-model-version-repository.js';
import { parseInput } from '../shared/parse-input.js';

/** The project a new version belongs to: a project-scoped key may only write into its own. */
async function resolveProject(trx: Transaction<DB>, ctx: ServiceContext, requested: string | undefined): Promise<string | null> {
  if (ctx.projectId && requested && requested !== ctx.projectId) {
    throw new ForbiddenError('this API key is limited to another project');
  }
  const projectId = requested ?? ctx.projectId;
  if (projectId && !(await modelVersionRepository.projectExists(trx, ctx.tenantId, projectId))) {
    throw new NotFoundError('project', projectId, 'project_id');
  }
  return projectId;
}

/**
 * The job and dataset a version names must be the tenant's own (and, for a project-scoped key,
 * visible to it): the foreign keys alone would accept another tenant's ids.
 */
async function checkReferences(trx: Transaction<DB>, ctx: ServiceContext, refs: { ft_job_id?: string | undefined; dataset_id?: string | undefined }): Promise<void> {
  const tables = [
    ['ft_job_id', 'ft_jobs', 'fine-tuning job'],
    ['dataset_id', 'datasets', 'dataset'],
  ] as const;
  for (const [field, table, resource] of tables) {
    const id = refs[field];
    if (id === undefined) continue;
    let query = trx.selectFrom(table).select('id').where('tenant_id', '=', ctx.tenantId).where('id', '=', id);
    if (ctx.projectId) query = query.where('project_id', '=', ctx.projectId);
    if (!(await query.executeTakeFirst())) throw new NotFoundError(resource, id, field);
  }
}

/**
 * Registers a version as `candidate` inside the caller's transaction, with its event and audit
 * row. Fine-tuning calls this when a job succeeds; a duplicate provider model is a ConflictError.
 */
export async function insertModelVersion(trx: Transaction<DB>, ctx: ServiceContext, input: unknown): Promise<ModelVersion> {
  const body = parseInput(RegisterModelVersionInput, input, 'model version');
  const projectId = await resolveProject(trx, ctx, body.project_id);
  await checkReferences(trx, ctx, body);
  const row = await modelVersionRepository.insert(trx, ctx.tenantId, {
    id: ctx.ids.next(),
    project_id: projectId,
    name: body.name,
    provider: body.provider,
    provider_model_id: body.provider_model_id,
    base_model: body.base_model,
    status: 'candidate',
    ft_job_id: body.ft_job_id ?? null,
    dataset_id: body.dataset_id ?? null,
    estimated_cost_usd: body.estimated_cost_usd ?? null,
    actual_cost_usd: body.actual_cost_usd ?? null,
    metadata: body.metadata ?? {},
    created_by: `${ctx.actor.type}:${ctx.actor.id}`,
    created_at: ctx.clock.now(),
  });
  if (!row) {
    throw new ConflictError(`model ${body.provider}/${body.provider_model_id} is already registered`, 'model_version_exists');
  }
  const version = toModelVersion(row, ctx.clock.now());
  await recordEvent(trx, ctx, {
    type: 'model_version.created',
    resourceType: 'model_version',
    resourceId: version.id,
    projectId: version.project_id,
    payload: { model_version: version },
  });
  await recordAudit(trx, ctx, {
    action: 'model_version.create',
    resourceType: 'model_version',
    resourceId: version.id,
    projectId: version.project_id,
    summary: `registered model version ${version.name} (${version.provider}/${version.provider_model_id}) as candidate`,
    details: { provider: version.provider, provider_model_id: version.provider_model_id, base_model: version.base_model },
  });
  return version;
}

/** `POST /model-versions`: validates the public body, then registers it in one transaction. */
export async function createModelVersion(db: Kysely<DB>, ctx: ServiceContext, input: unknown): Promise<ModelVersion> {
  const body = parseInput(CreateModelVersionInput, input, 'model version');
  return db.transaction().execute((trx) => insertModelVersion(trx, ctx, body));
}
