import type { Selectable, Transaction } from 'kysely';
import type { DatasetFormat, DatasetsTable, DB, GateVerdictRecord } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { ForbiddenError, GateDeniedError, NotFoundError, ValidationError } from '../shared/errors.js';
import { recordAudit } from '../audit/record-audit.js';
import { parseInput } from '../shared/parse-input.js';
import { askPrism, requestApproval, type ApprovalRequestInput } from '../approvals/request-approval.js';
import { estimateTrainingCost, type CostEstimate } from '../providers/estimate-cost.js';
import type { FineTuneProvider } from '../providers/fine-tune-provider.js';
import { checkJobRequest } from '../providers/check-job-request.js';
import { CreateFtJobInput, ftmStateColumn, type FtCostEstimate, type FtJob } from './ft-job.js';
import type { FtJobDeps } from './ft-job-deps.js';
import { FT_JOB_SUBMIT, ftJobSubmitJob } from './ft-job-jobs.js';
import { enqueueJob } from '../shared/enqueue-job.js';
import { appendTimeline, recordFtJobChange } from './ft-job-repository.js';
import { queueJobId } from './submit-ft-job.js';

type Dataset = Selectable<DatasetsTable>;

/** The dataset the job trains on, as the caller may see it; another tenant's is NotFound. */
async function loadDataset(deps: FtJobDeps, ctx: ServiceContext, id: string): Promise<Dataset> {
  let query = deps.db.selectFrom('datasets').selectAll().where('tenant_id', '=', ctx.tenantId).where('id', '=', id);
  if (ctx.projectId) query = query.where('project_id', '=', ctx.projectId);
  const dataset = await query.executeTakeFirst();
  if (!dataset) throw new NotFoundError('dataset', id);
  return dataset;
}

/** A request the provider would refuse is a 400 with every reason as a field error, before any gate runs. */
function checkAgainstProvider(provider: FineTuneProvider, body: CreateFtJobInput, format: DatasetFormat): void {
  const errors = checkJobRequest(provider.capabilities(), {
    method: body.method,
    baseModel: body.base_model,
    hyperparameters: body.hyperparameters,
    datasetFormat: format,
    grader: body.grader,
  });
  if (errors.length > 0) throw new ValidationError(`provider ${provider.name} cannot run this fine-tuning job: ${errors[0]!.message}`, errors);
}

function toStoredEstimate(estimate: CostEstimate): FtCostEstimate | null {
  if (estimate.estimatedCostUsd === null || estimate.usdPer1mTokens === null) return null;
  return {
    epochs: estimate.epochs,
    billable_tokens: estimate.estimatedTrainedTokens,
    price_per_million_tokens_usd: estimate.usdPer1mTokens,
    price_table_version: estimate.priceTableVersion,
    estimated_cost_usd: estimate.estimatedCostUsd,
  };
}

/** Records a denied creation in the audit trail (nothing else is written), then throws. */
async function deny(deps: FtJobDeps, ctx: ServiceContext, datasetId: string, gates: GateVerdictRecord[], message: string): Promise<never> {
  await deps.db.transaction().execute((trx) =>
    recordAudit(trx, ctx, {
      action: 'ft_job.create_denied',
      resourceType: 'dataset',
      resourceId: datasetId,
      summary: message,
      details: { gates },
    }),
  );
  throw new GateDeniedError(
    message,
    gates.map((g) => ({ gate: g.gate, verdict: g.verdict, reason: g.reason, decisionId: g.decision_id })),
  );
}

/**
 * `POST /ft-jobs`: validates, estimates the cost, runs the gates in order (dataset ready, dataset
 * sanitized, governance `ft.job.create`, cost approval), then in one transaction writes the job
 * (queued, or awaiting_approval with its approval), its timeline, event and audit row. A denied gate
 * is a GateDeniedError naming every verdict and nothing is stored or submitted. Submission happens
 * in the worker (`ft_job.submit`), never here.
 */
export async function createFtJob(deps: FtJobDeps, ctx: ServiceContext, input: unknown): Promise<FtJob> {
  return createParsedFtJob(deps, ctx, parseInput(CreateFtJobInput, input, 'fine-tuning job'));
}

/** Where a job comes from when another use case creates it (a retarget), written in the same transaction. */
export interface FtJobOrigin {
  readonly retargetedFrom: string;
  /** The format the provider receives (the file is converted at upload when it differs from the dataset's). */
  readonly trainingFormat: DatasetFormat;
  /** Each decision the mapping made, kept on the new job's timeline. */
  readonly notes: readonly string[];
  /** Writes the origin's side (its timeline, audit) inside the creating transaction. */
  readonly record: (trx: Transaction<DB>, job: FtJob) => Promise<void>;
}

/** {@link createFtJob} once the body is parsed; `origin` marks a job created from another one. */
export async function createParsedFtJob(deps: FtJobDeps, ctx: ServiceContext, body: CreateFtJobInput, origin?: FtJobOrigin): Promise<FtJob> {
  if (ctx.projectId && body.project_id && body.project_id !== ctx.projectId) throw new ForbiddenError('this API key is limited to another project');
  const dataset = await loadDataset(deps, ctx, body.dataset_id);
  const projectId = body.project_id ?? ctx.projectId ?? dataset.project_id;
  const providerName = body.provider ?? deps.providers.defaultProvider;
  const provider = await deps.providers.resolve(providerName, { tenantId: ctx.tenantId, projectId });
  const trainingFormat = origin?.trainingFormat ?? dataset.format;
  checkAgainstProvider(provider, body, trainingFormat);

  const estimate = estimateTrainingCost({
    model: body.base_model,
    method: body.method,
    nEpochs: body.hyperparameters.n_epochs,
    ...(body.hyperparameters.training_type ? { trainingType: body.hyperparameters.training_type } : {}),
    tokens: { exampleCount: dataset.train_record_count ?? 0, totalTokens: Number(dataset.token_estimate ?? 0) },
    priceTable: deps.priceTable,
  });
  const costEstimate = toStoredEstimate(estimate);
  const threshold = body.cost_threshold_usd ?? deps.defaultCostThresholdUsd ?? null;

  const gates: GateVerdictRecord[] = [];
  const ready = dataset.status === 'ready';
  gates.push(ready ? { gate: 'dataset_ready', verdict: 'pass' } : { gate: 'dataset_ready', verdict: 'deny', reason: `dataset is ${dataset.status}, not ready` });
  gates.push(dataset.sanitized ? { gate: 'dataset_sanitized', verdict: 'pass' } : { gate: 'dataset_sanitized', verdict: 'deny', reason: 'dataset has not passed the TRiSM sanitization gate' });
  if (!ready || !dataset.sanitized) {
    gates.push({ gate: 'governance', verdict: 'skipped' }, { gate: 'cost_approval', verdict: 'skipped' });
    return deny(
      deps,
      ctx,
      dataset.id,
      gates,
      `dataset ${dataset.id} cannot be used for fine-tuning: ${gates
        .filter((g) => g.verdict === 'deny')
        .map((g) => g.reason)
        .join('; ')}`,
    );
  }

  const decision = await deps.governance.check({
    action: 'ft.job.create',
    tenantId: ctx.tenantId,
    projectId,
    actor: ctx.actor,
    resource: { type: 'ft_job', attributes: { base_model: body.base_model, method: body.method, provider: provider.name, dataset_id: dataset.id, estimated_cost_usd: estimate.estimatedCostUsd } },
    context: { request_id: ctx.requestId },
  });
  const reasons = decision.reasons.join('; ') || decision.decision;
  gates.push({ gate: 'governance', verdict: decision.decision === 'allow' ? 'pass' : 'deny', reason: reasons, decision_id: decision.decisionId });
  if (decision.decision === 'deny') {
    gates.push({ gate: 'cost_approval', verdict: 'skipped' });
    return deny(deps, ctx, dataset.id, gates, `governance denied ft.job.create: ${reasons}`);
  }

  const id = ctx.ids.next();
  let approvalInput: ApprovalRequestInput | null = null;
  const cost = estimate.estimatedCostUsd;
  if (body.prism_pre_approval || (threshold !== null && (cost === null || cost > threshold))) {
    const reason = body.prism_pre_approval
      ? 'pre-approval requested for this job'
      : cost === null
        ? `the cost cannot be estimated from tokens (${estimate.note ?? 'unpriced'}) and a threshold of ${threshold} USD applies`
        : `estimated ${cost} USD exceeds the threshold of ${threshold} USD`;
    approvalInput = { id: ctx.ids.next(), kind: 'ft_job', resourceId: id, projectId, estimatedCostUsd: cost, reason };
  } else {
    gates.push(
      threshold === null
        ? { gate: 'cost_approval', verdict: 'skipped', reason: 'no cost threshold applies' }
        : { gate: 'cost_approval', verdict: 'pass', reason: `estimated ${cost} USD is within the threshold of ${threshold} USD` },
    );
  }
  // Remote PRISM is asked before the transaction so no lock is held across the network.
  const remote = approvalInput ? await askPrism(deps.prism, ctx, approvalInput) : null;
  if (approvalInput) {
    const verdict = remote?.status === 'approved' ? 'pass' : remote?.status === 'rejected' ? 'deny' : 'pending';
    gates.push({ gate: 'cost_approval', verdict, reason: approvalInput.reason, decision_id: remote?.id ?? approvalInput.id });
    if (verdict === 'deny') return deny(deps, ctx, dataset.id, gates, `PRISM rejected the cost approval: ${approvalInput.reason}`);
  }
  const awaiting = gates.some((g) => g.verdict === 'pending');

  const job = await deps.db.transaction().execute(async (trx) => {
    const approval = approvalInput ? await requestApproval(trx, ctx, approvalInput, remote) : null;
    const now = ctx.clock.now();
    const hyperparameters = body.method === 'reinforcement' ? body.hyperparameters : { ...body.hyperparameters };
    const row = await trx
      .insertInto('ft_jobs')
      .values({
        id,
        tenant_id: ctx.tenantId,
        project_id: projectId,
        dataset_id: dataset.id,
        provider: provider.name,
        base_model: body.base_model,
        method: body.method,
        hyperparameters: JSON.stringify(hyperparameters),
        suffix: body.suffix ?? null,
        seed: body.seed ?? null,
        status: awaiting ? 'awaiting_approval' : 'queued',
        gates: JSON.stringify(gates),
        estimated_cost_usd: cost,
        estimated_tokens: estimate.estimatedTrainedTokens,
        approval_id: approval?.id ?? null,
        simulated: provider.simulated,
        metadata: JSON.stringify(body.metadata ?? {}),
        retargeted_from: origin?.retargetedFrom ?? null,
        ftm_state: ftmStateColumn({
          cost_estimate: costEstimate,
          cost_threshold_usd: threshold,
          prism_pre_approval: body.prism_pre_approval,
          model_version_name: body.model_version_name ?? null,
          grader: body.grader ?? null,
          status_reason: awaiting ? `waiting for cost approval ${approval?.id}` : null,
          progress: null,
          last_provider_event_id: null,
          submit_lease_until: null,
          training_format: trainingFormat === dataset.format ? null : trainingFormat,
        }),
        created_by: `${ctx.actor.type}:${ctx.actor.id}`,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendTimeline(
      trx,
      ctx,
      id,
      gates.map((g) => ({ type: 'gate_evaluated', level: g.verdict === 'deny' ? 'warn' : 'info', message: `${g.gate}: ${g.verdict}${g.reason ? ` (${g.reason})` : ''}`, data: { ...g } })),
    );
    if (origin) {
      await appendTimeline(trx, ctx, id, [
        {
          type: 'retargeted',
          level: 'info',
          message: `retargeted from fine-tuning job ${origin.retargetedFrom}`,
          data: { retargeted_from: origin.retargetedFrom, training_format: trainingFormat, mapping: origin.notes },
        },
      ]);
    }
    const created = await recordFtJobChange(trx, ctx, {
      previousStatus: null,
      row,
      action: origin ? 'ft_job.retarget' : 'ft_job.create',
      summary: `created fine-tuning job on ${provider.name} for ${body.base_model} from dataset ${dataset.id}${origin ? `, retargeted from job ${origin.retargetedFrom}` : ''}${awaiting ? ', awaiting cost approval' : ''}`,
      details: {
        dataset_id: dataset.id,
        base_model: body.base_model,
        method: body.method,
        estimated_cost_usd: cost,
        gates,
        ...(origin ? { retargeted_from: origin.retargetedFrom, mapping: origin.notes } : {}),
      },
    });
    if (origin) await origin.record(trx, created);
    return created;
  });
  if (job.status === 'queued') await enqueueSubmission(deps, job.id, ctx.tenantId);
  return job;
}

/** Hands a queued job to the worker; the queue job id makes a duplicate enqueue harmless. */
export async function enqueueSubmission(deps: Pick<FtJobDeps, 'queue'>, ftJobId: string, tenantId: string, tag = 'first'): Promise<void> {
  await enqueueJob(deps.queue, ftJobSubmitJob, { ft_job_id: ftJobId, tenant_id: tenantId }, { jobId: queueJobId(FT_JOB_SUBMIT, ftJobId, tag) });
}
