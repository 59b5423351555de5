import type { ServiceContext } from '../shared/context.js';
import { ConflictError, DependencyUnavailableError, FtmError, NotFoundError, RateLimitedError } from '../shared/errors.js';
import { backoffMs } from '../shared/backoff.js';
import { defaultSleep } from '../shared/http-client.js';
import { ProviderRequestError } from '../providers/provider-errors.js';
import { convertTrainingFile } from '../datasets/convert-training-file.js';
import type { FineTuneMethod, FineTuneProvider, ProviderJob, ProviderPriceEstimate } from '../providers/fine-tune-provider.js';
import { ftJobBookkeeping, ftmStateColumn, type FtJob, type FtJobRow } from './ft-job.js';
import { DEFAULT_SUBMIT_LEASE_MS, type FtJobDeps } from './ft-job-deps.js';
import { FT_JOB_POLL, ftJobPollJob } from './ft-job-jobs.js';
import { enqueueJob } from '../shared/enqueue-job.js';
import { findFtJobRow, recordFtJobChange, updateFtJobRow } from './ft-job-repository.js';
import { nextFtJobStatus } from './ft-job-state-machine.js';
import { markFtJobFailed } from './mark-ft-job-failed.js';

/** Another worker holds the submission lease; the queue retries after its backoff. */
export class SubmissionBusyError extends FtmError {
  override readonly name = 'SubmissionBusyError';
}

/** A queue job id: queues reserve ':' (BullMQ's key separator), so parts are joined with '/'. */
export function queueJobId(name: string, ftJobId: string, tag: string): string {
  return [name, ftJobId, tag.replace(/[^A-Za-z0-9._-]/g, '_')].join('/');
}

/** Enqueues the next poll of a running job. */
export async function enqueuePoll(deps: Pick<FtJobDeps, 'queue'>, job: Pick<FtJobRow, 'id' | 'tenant_id' | 'poll_attempts'>, delayMs: number, tag = String(job.poll_attempts)): Promise<void> {
  await enqueueJob(deps.queue, ftJobPollJob, { ft_job_id: job.id, tenant_id: job.tenant_id }, { jobId: queueJobId(FT_JOB_POLL, job.id, tag), delayMs });
}

function methodOf(row: FtJobRow): FineTuneMethod {
  const hyperparameters = row.hyperparameters as Record<string, never>;
  if (row.method === 'reinforcement') return { type: 'reinforcement', hyperparameters, grader: ftJobBookkeeping(row).grader ?? {} };
  return { type: row.method, hyperparameters } as FineTuneMethod;
}

/**
 * Takes the job into `submitting` (from `queued`) and the submission lease, so two deliveries of the
 * same queue job never both talk to the provider. A lease left by a crashed worker expires.
 */
async function claim(deps: FtJobDeps, ctx: ServiceContext, id: string): Promise<FtJobRow | null> {
  const leaseMs = deps.submitLeaseMs ?? DEFAULT_SUBMIT_LEASE_MS;
  return deps.db.transaction().execute(async (trx) => {
    const row = await findFtJobRow(trx, ctx, id, true);
    if (row.status !== 'queued' && row.status !== 'submitting') return null;
    const now = ctx.clock.now();
    const b = ftJobBookkeeping(row);
    if (row.status === 'submitting' && b.submit_lease_until && new Date(b.submit_lease_until) > now) {
      throw new SubmissionBusyError(`ft_job ${id} is being submitted by another worker`);
    }
    const status = row.status === 'queued' ? nextFtJobStatus('queued', 'start_submission') : row.status;
    const updated = await updateFtJobRow(trx, ctx.tenantId, id, {
      status,
      ftm_state: ftmStateColumn({ ...b, status_reason: null, submit_lease_until: new Date(now.getTime() + leaseMs).toISOString() }),
      updated_at: now,
    });
    if (row.status === 'queued') {
      await recordFtJobChange(trx, ctx, { previousStatus: 'queued', row: updated, action: 'ft_job.submit', summary: `submitting fine-tuning job to ${row.provider}` });
    }
    return updated;
  });
}

/** Uploads the dataset's file(s) unless an earlier attempt already did, recording each id at once. */
async function ensureFiles(deps: FtJobDeps, ctx: ServiceContext, provider: FineTuneProvider, row: FtJobRow): Promise<{ training: string; validation: string | null }> {
  const dataset = await deps.db
    .selectFrom('datasets')
    .select(['train_blob_key', 'validation_blob_key', 'format'])
    .where('tenant_id', '=', row.tenant_id)
    .where('id', '=', row.dataset_id)
    .executeTakeFirst();
  if (!dataset?.train_blob_key) throw new ProviderRequestError(provider.name, 400, 'the dataset has no built training file', 'missing_training_file');
  // A retargeted job may train on another format than its dataset's (prompt/completion → chat): converted as it streams.
  const to = ftJobBookkeeping(row).training_format;
  const open = async (key: string) => (to && to !== dataset.format ? convertTrainingFile(dataset.format, to, await deps.blobs.get(key)) : deps.blobs.get(key));
  const upload = async (key: string, filename: string) => provider.uploadTrainingFile({ open: () => open(key) }, { filename });
  let training = row.provider_file_id;
  if (!training) {
    training = (await upload(dataset.train_blob_key, `ftm-${row.id}-train.jsonl`)).id;
    await deps.db.updateTable('ft_jobs').set({ provider_file_id: training }).where('tenant_id', '=', row.tenant_id).where('id', '=', row.id).execute();
  }
  let validation = row.provider_validation_file_id;
  if (!validation && dataset.validation_blob_key) {
    validation = (await upload(dataset.validation_blob_key, `ftm-${row.id}-validation.jsonl`)).id;
    await deps.db.updateTable('ft_jobs').set({ provider_validation_file_id: validation }).where('tenant_id', '=', row.tenant_id).where('id', '=', row.id).execute();
  }
  return { training, validation };
}

/** Records the provider job: the job is `running` from here, unless it was canceled meanwhile. */
async function recordProviderJob(
  deps: FtJobDeps,
  ctx: ServiceContext,
  id: string,
  providerJob: ProviderJob,
  estimate: ProviderPriceEstimate | null,
): Promise<{ job: FtJob; cancelAtProvider: boolean; row: FtJobRow }> {
  return deps.db.transaction().execute(async (trx) => {
    const row = await findFtJobRow(trx, ctx, id, true);
    const now = ctx.clock.now();
    const b = ftJobBookkeeping(row);
    if (row.status === 'canceled') {
      const updated = await updateFtJobRow(trx, ctx.tenantId, id, { provider_job_id: providerJob.id, provider_status: providerJob.status, updated_at: now });
      const job = await recordFtJobChange(trx, ctx, {
        previousStatus: 'canceled',
        row: updated,
        action: 'ft_job.submit',
        summary: `provider job ${providerJob.id} recorded after cancellation; canceling it at ${row.provider}`,
      });
      return { job, cancelAtProvider: true, row: updated };
    }
    const status = row.status === 'submitting' ? nextFtJobStatus('submitting', 'submitted') : row.status;
    const pollMs = deps.poll?.initialDelayMs ?? 5_000;
    const updated = await updateFtJobRow(trx, ctx.tenantId, id, {
      status,
      provider_job_id: providerJob.id,
      provider_status: providerJob.status,
      submitted_at: row.submitted_at ?? now,
      next_poll_at: new Date(now.getTime() + pollMs),
      ftm_state: ftmStateColumn({ ...b, submit_lease_until: null }),
      updated_at: now,
    });
    const job = await recordFtJobChange(trx, ctx, {
      previousStatus: row.status,
      row: updated,
      action: 'ft_job.submitted',
      summary: `submitted to ${row.provider} as ${providerJob.id}`,
      details: { provider_job_id: providerJob.id, ...(estimate ? { provider_estimated_cost_usd: estimate.totalUsd } : {}) },
    });
    return { job, cancelAtProvider: false, row: updated };
  });
}

/**
 * The `ft_job.submit` worker step. Never creates two provider jobs for one FTM job: the lease keeps
 * concurrent deliveries apart, the provider job id is recorded in the first transaction after
 * creation, and a retry after a crash in between finds the provider job by its idempotency metadata
 * (our job id) instead of creating another. A provider refusal fails the job; transient failures
 * (rate limits, outages) are thrown for the queue to retry.
 */
export async function submitFtJob(deps: FtJobDeps, ctx: ServiceContext, ftJobId: string): Promise<FtJob | null> {
  let row: FtJobRow;
  try {
    row = await findFtJobRow(deps.db, ctx, ftJobId);
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
  if (row.provider_job_id && row.status === 'running') {
    await enqueuePoll(deps, row, 0, 'submitted');
    return null;
  }
  const claimed = await claim(deps, ctx, ftJobId);
  if (!claimed) return null;
  let provider: FineTuneProvider;
  try {
    provider = await deps.providers.resolve(claimed.provider, { tenantId: claimed.tenant_id, projectId: claimed.project_id });
  } catch (error) {
    // The credential was deleted (or cannot be opened) since the job was created: nothing was sent.
    if (error instanceof ConflictError) return markFtJobFailed(deps, ctx, ftJobId, { code: error.code, message: error.message });
    throw error;
  }
  let providerJob: ProviderJob;
  const estimate: { value: ProviderPriceEstimate | null } = { value: null };
  try {
    providerJob = await findOrCreate(deps, ctx, provider, claimed, estimate);
  } catch (error) {
    if (error instanceof ProviderRequestError) {
      return markFtJobFailed(deps, ctx, ftJobId, { code: error.providerCode ?? 'provider_rejected', message: error.message });
    }
    // Transient (rate limit, outage): this delivery is over, so its own retry must not find the
    // job locked. Retries look the job up before creating, so letting them in is safe.
    await releaseLease(deps, ctx, ftJobId);
    throw error;
  }
  const recorded = await recordProviderJob(deps, ctx, ftJobId, providerJob, estimate.value);
  if (recorded.cancelAtProvider) {
    await provider.cancelJob(providerJob.id).catch((error: unknown) => {
      if (!(error instanceof ProviderRequestError)) throw error;
    });
  } else {
    await enqueuePoll(deps, recorded.row, deps.poll?.initialDelayMs ?? 5_000, 'submitted');
  }
  return recorded.job;
}

/** Creates tried in one delivery before the queue takes over; each after looking the job up. */
const CREATE_ATTEMPTS = 3;
/** A wait longer than this (a long Retry-After) is left to the queue's delayed retry. */
const MAX_IN_DELIVERY_WAIT_MS = 5_000;

/**
 * The provider job of this FTM job: found by FTM's marker (metadata / training file) or created.
 * A create that fails transiently may still have made the job (a 5xx after the provider stored
 * it), so every retry looks the job up first; adapters send each create once, never blind.
 */
async function findOrCreate(deps: FtJobDeps, ctx: ServiceContext, provider: FineTuneProvider, claimed: FtJobRow, estimate: { value: ProviderPriceEstimate | null }): Promise<ProviderJob> {
  let row = claimed;
  for (let attempt = 1; ; attempt++) {
    const found = await provider.findJobByIdempotencyKey(row.id, { trainingFileId: row.provider_file_id });
    if (found) return found;
    const files = await ensureFiles(deps, ctx, provider, row);
    row = { ...row, provider_file_id: files.training, provider_validation_file_id: files.validation };
    if (attempt === 1) estimate.value = await providerEstimate(provider, row, files);
    try {
      return await create(provider, row, files);
    } catch (error) {
      const transient = error instanceof RateLimitedError || error instanceof DependencyUnavailableError;
      if (!transient || attempt >= CREATE_ATTEMPTS) throw error;
      const waitMs = error instanceof RateLimitedError ? error.retryAfterSec * 1000 : backoffMs(attempt, { baseMs: 250, maxMs: 2_000 });
      if (waitMs > MAX_IN_DELIVERY_WAIT_MS) throw error;
      await (deps.sleep ?? defaultSleep)(waitMs);
    }
  }
}

/**
 * The provider's own price for the job on its uploaded files (Together), recorded on the submitted
 * event. Informative: an estimate that fails is skipped, but a provider that says the account may
 * not start the job (credit limit) refuses it here, before a job is made.
 */
async function providerEstimate(provider: FineTuneProvider, row: FtJobRow, files: { training: string; validation: string | null }): Promise<ProviderPriceEstimate | null> {
  if (!provider.estimatePrice) return null;
  const estimate = await provider
    .estimatePrice({ model: row.base_model, trainingFileId: files.training, validationFileId: files.validation, method: methodOf(row), suffix: row.suffix, seed: row.seed })
    .catch((error: unknown) => {
      if (error instanceof ProviderRequestError || error instanceof RateLimitedError || error instanceof DependencyUnavailableError) return null;
      throw error;
    });
  if (estimate && !estimate.allowedToProceed) {
    throw new ProviderRequestError(provider.name, 402, `${provider.name} estimates this job at ${estimate.totalUsd} USD and says the account may not start it (credit limit)`, 'credit_limit_exceeded');
  }
  return estimate;
}

/** Ends this delivery's hold on the submission (the job stays `submitting`). */
async function releaseLease(deps: FtJobDeps, ctx: ServiceContext, id: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const row = await findFtJobRow(trx, ctx, id, true);
    if (row.status !== 'submitting') return;
    const b = ftJobBookkeeping(row);
    await updateFtJobRow(trx, ctx.tenantId, id, { ftm_state: ftmStateColumn({ ...b, submit_lease_until: null }), updated_at: ctx.clock.now() });
  });
}

async function create(provider: FineTuneProvider, row: FtJobRow, files: { training: string; validation: string | null }): Promise<ProviderJob> {
  return provider.createJob({
    model: row.base_model,
    trainingFileId: files.training,
    validationFileId: files.validation,
    method: methodOf(row),
    suffix: row.suffix,
    seed: row.seed,
    metadata: providerMetadata(row),
    idempotencyKey: row.id,
  });
}

/** OpenAI accepts at most 16 metadata pairs: ours always go, the caller's only when they fit. */
function providerMetadata(row: FtJobRow): Record<string, string> {
  const ours = { ftm_tenant_id: row.tenant_id, ftm_dataset_id: row.dataset_id };
  const user = row.metadata;
  return Object.keys(user).length + Object.keys(ours).length + 1 <= 16 ? { ...user, ...ours } : ours;
}
