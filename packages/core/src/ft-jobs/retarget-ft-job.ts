import { z } from 'zod';
import type { ServiceContext } from '../shared/context.js';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors.js';
import { parseInput } from '../shared/parse-input.js';
import { recordAudit } from '../audit/record-audit.js';
import { CreateFtJobInput, FtHyperparameters, ftJobBookkeeping, type FtJob } from './ft-job.js';
import type { FtJobDeps } from './ft-job-deps.js';
import { appendTimeline, findFtJobRow } from './ft-job-repository.js';
import { createParsedFtJob } from './create-ft-job.js';
import { planRetarget, RetargetRefusal } from './plan-retarget.js';

/** Body of `POST /ft-jobs/{id}/retarget` (docs/openapi.yaml `RetargetFtJobRequest`). */
export const RetargetFtJobInput = z
  .object({
    provider: z.string().min(1).max(64),
    base_model: z.string().min(1).max(128).optional(),
    hyperparameters: FtHyperparameters.optional(),
    suffix: CreateFtJobInput.shape.suffix,
    metadata: CreateFtJobInput.shape.metadata,
    model_version_name: CreateFtJobInput.shape.model_version_name,
  })
  .strict();
export type RetargetFtJobInput = z.infer<typeof RetargetFtJobInput>;

/** Providers FTM has adapters for; naming one the server has not set up is a 409, any other name a 400. */
const KNOWN_PROVIDERS = ['openai', 'azure_openai', 'together'];

/**
 * `POST /ft-jobs/{id}/retarget`: a new job on another provider from the same dataset, with the
 * method kept, the base model and hyperparameters mapped to the target's names and limits
 * (planRetarget) and the data converted at upload where the formats differ. It then goes through
 * every gate of {@link createFtJob}; one transaction writes the new job (with `retargeted_from`),
 * its timeline, event and audit row, and a `retargeted` entry plus audit row on the original.
 */
export async function retargetFtJob(deps: FtJobDeps, ctx: ServiceContext, id: string, input: unknown): Promise<FtJob> {
  const body = parseInput(RetargetFtJobInput, input, 'retarget request');
  const source = await findFtJobRow(deps.db, ctx, id);
  if (body.provider === source.provider) {
    throw new ValidationError(`job ${id} already runs on ${source.provider}; retarget it to another provider`, [{ path: 'provider', message: `must differ from ${source.provider}` }]);
  }
  if (!deps.providers.names().includes(body.provider) && KNOWN_PROVIDERS.includes(body.provider)) {
    throw new ConflictError(`provider ${body.provider} is not configured on this server; set its FTM_* variables (docs/providers.md)`, 'provider_not_configured', { provider: body.provider });
  }
  const target = await deps.providers.resolve(body.provider, { tenantId: ctx.tenantId, projectId: source.project_id });

  const dataset = await deps.db.selectFrom('datasets').select(['format']).where('tenant_id', '=', ctx.tenantId).where('id', '=', source.dataset_id).executeTakeFirst();
  if (!dataset) throw new NotFoundError('dataset', source.dataset_id);
  const plan = planRetarget(
    { provider: source.provider, method: source.method, baseModel: source.base_model, hyperparameters: source.hyperparameters as Record<string, unknown>, datasetFormat: dataset.format },
    target.capabilities(),
    { ...(body.base_model ? { baseModel: body.base_model } : {}), ...(body.hyperparameters ? { overrides: body.hyperparameters } : {}) },
  );
  if (plan instanceof RetargetRefusal) throw new ValidationError(`job ${id} cannot be retargeted to ${body.provider}: ${plan.message}`, plan.errors);

  const b = ftJobBookkeeping(source);
  const createInput = parseInput(
    CreateFtJobInput,
    {
      dataset_id: source.dataset_id,
      base_model: plan.baseModel,
      provider: body.provider,
      ...(source.project_id ? { project_id: source.project_id } : {}),
      method: source.method,
      hyperparameters: plan.hyperparameters,
      ...(b.grader ? { grader: b.grader } : {}),
      ...((body.suffix ?? source.suffix) ? { suffix: body.suffix ?? source.suffix } : {}),
      ...(source.seed !== null ? { seed: source.seed } : {}),
      ...(b.cost_threshold_usd !== null ? { cost_threshold_usd: b.cost_threshold_usd } : {}),
      prism_pre_approval: b.prism_pre_approval,
      ...(body.model_version_name ? { model_version_name: body.model_version_name } : {}),
      ...(body.metadata ? { metadata: body.metadata } : {}),
    },
    'retargeted fine-tuning job',
  );
  return createParsedFtJob(deps, ctx, createInput, {
    retargetedFrom: source.id,
    trainingFormat: plan.trainingFormat,
    notes: plan.notes,
    record: async (trx, job) => {
      await appendTimeline(trx, ctx, source.id, [
        { type: 'retargeted', level: 'info', message: `retargeted to ${job.provider} as job ${job.id}`, data: { retargeted_to: job.id, provider: job.provider, base_model: job.base_model } },
      ]);
      await recordAudit(trx, ctx, {
        action: 'ft_job.retargeted',
        resourceType: 'ft_job',
        resourceId: source.id,
        projectId: source.project_id,
        summary: `retargeted from ${source.provider} to ${job.provider} as job ${job.id}`,
        details: { retargeted_to: job.id, provider: job.provider, base_model: job.base_model, mapping: plan.notes },
      });
    },
  });
}
