import type { Transaction } from 'kysely';
import type { DB, FtJobStatus } from '../db/schema.js';
import { backoffMs } from '../shared/backoff.js';
import type { ServiceContext } from '../shared/context.js';
import { NotFoundError } from '../shared/errors.js';
import { actualTrainingCost } from '../providers/estimate-cost.js';
import type { ProviderEvent, ProviderJob } from '../providers/fine-tune-provider.js';
import { insertModelVersion } from '../registry/create-model-version.js';
import { ftJobBookkeeping, ftmStateColumn, type FtJobBookkeeping, type FtJobRow } from './ft-job.js';
import { DEFAULT_POLL_POLICY, type FtJobDeps } from './ft-job-deps.js';
import { findFtJobRow, recordFtJobChange, updateFtJobRow } from './ft-job-repository.js';
import { nextFtJobStatus } from './ft-job-state-machine.js';

/** What a poll found: whether the job is final, and when to look again if not. */
export interface PollOutcome {
  readonly terminal: boolean;
  readonly nextPollInMs: number | null;
}

/** Exponential from the initial delay to the maximum, by how many polls already ran. */
export function pollDelayMs(attempts: number, policy = DEFAULT_POLL_POLICY): number {
  return backoffMs(Math.min(attempts, 20) + 1, { baseMs: policy.initialDelayMs, maxMs: policy.maxDelayMs, jitter: 'none' });
}

/** Provider events into the timeline; a provider event already stored is skipped by its id. */
async function ingestEvents(trx: Transaction<DB>, ctx: ServiceContext, row: FtJobRow, events: readonly ProviderEvent[]): Promise<void> {
  if (events.length === 0) return;
  await trx
    .insertInto('ft_job_events')
    .values(
      events.map((e) => ({
        id: ctx.ids.next(),
        tenant_id: row.tenant_id,
        ft_job_id: row.id,
        source: 'provider' as const,
        provider_event_id: e.id,
        level: e.level,
        type: e.type,
        message: e.message,
        data: JSON.stringify(e.data ?? {}),
        created_at: e.createdAt,
      })),
    )
    .onConflict((oc) => oc.columns(['ft_job_id', 'provider_event_id']).where('provider_event_id', 'is not', null).doNothing())
    .execute();
}

function progressFrom(events: readonly ProviderEvent[], previous: FtJobBookkeeping['progress']): FtJobBookkeeping['progress'] {
  const metrics = [...events].reverse().find((e) => e.type === 'metrics' && typeof e.data?.step === 'number');
  if (!metrics?.data) return previous;
  const d = metrics.data as { step: number; total_steps?: unknown; train_loss?: unknown };
  return { step: d.step, total_steps: typeof d.total_steps === 'number' ? d.total_steps : null, train_loss: typeof d.train_loss === 'number' ? d.train_loss : null };
}

function statusFor(providerJob: ProviderJob): FtJobStatus {
  if (providerJob.status === 'succeeded') return nextFtJobStatus('running', 'complete');
  if (providerJob.status === 'failed') return nextFtJobStatus('running', 'fail');
  if (providerJob.status === 'cancelled') return nextFtJobStatus('running', 'cancel');
  return 'running';
}

/**
 * The `ft_job.poll` worker step: reads the provider job and its new events, stores them
 * (deduplicated), and moves the job when the provider finished. On success it records the actual
 * cost from the trained tokens and registers the model as a `candidate` model version, in the same
 * transaction as the status change.
 */
export async function pollFtJob(deps: FtJobDeps, ctx: ServiceContext, ftJobId: string): Promise<PollOutcome> {
  let row: FtJobRow;
  try {
    row = await findFtJobRow(deps.db, ctx, ftJobId);
  } catch (error) {
    if (error instanceof NotFoundError) return { terminal: true, nextPollInMs: null };
    throw error;
  }
  if (row.status !== 'running' || !row.provider_job_id) return { terminal: row.status !== 'submitting' && row.status !== 'queued', nextPollInMs: null };
  const provider = await deps.providers.resolve(row.provider, { tenantId: row.tenant_id, projectId: row.project_id });
  const providerJob = await provider.getJob(row.provider_job_id);
  const events = await provider.listEvents(row.provider_job_id, { after: ftJobBookkeeping(row).last_provider_event_id ?? undefined });

  return deps.db.transaction().execute(async (trx) => {
    const current = await findFtJobRow(trx, ctx, ftJobId, true);
    if (current.status !== 'running') return { terminal: true, nextPollInMs: null };
    await ingestEvents(trx, ctx, current, events);
    const b = ftJobBookkeeping(current);
    const progress = progressFrom(events, b.progress);
    const status = statusFor(providerJob);
    const now = ctx.clock.now();
    const terminal = status !== 'running';
    const delay = terminal ? null : pollDelayMs(current.poll_attempts, deps.poll);
    const method = current.method;
    const actual = providerJob.trainedTokens === null ? null : actualTrainingCost(deps.priceTable, current.base_model, method, providerJob.trainedTokens);
    let modelVersionId = current.model_version_id;
    if (status === 'completed' && providerJob.fineTunedModel && !modelVersionId) {
      const version = await insertModelVersion(trx, ctx, {
        name: b.model_version_name ?? current.suffix ?? `ft-job-${current.id}`,
        provider: current.provider,
        provider_model_id: providerJob.fineTunedModel,
        base_model: current.base_model,
        ...(current.project_id ? { project_id: current.project_id } : {}),
        ft_job_id: current.id,
        dataset_id: current.dataset_id,
        estimated_cost_usd: current.estimated_cost_usd === null ? null : Number(current.estimated_cost_usd),
        actual_cost_usd: actual,
        metadata: {
          method,
          simulated: String(current.simulated),
          provider_job_id: providerJob.id,
          trained_tokens: String(providerJob.trainedTokens ?? ''),
          // Lineage of a retarget: the registry names the job this model's job was retargeted from.
          ...(current.retargeted_from ? { retargeted_from_ft_job_id: current.retargeted_from } : {}),
        },
      });
      modelVersionId = version.id;
    }
    const reason = status === 'failed' ? (providerJob.error?.message ?? 'the provider reported the job as failed') : status === 'canceled' ? 'canceled at the provider' : null;
    const lastEvent = events.at(-1)?.id ?? b.last_provider_event_id;
    const updated = await updateFtJobRow(trx, ctx.tenantId, ftJobId, {
      status,
      provider_status: providerJob.status,
      trained_tokens: providerJob.trainedTokens,
      fine_tuned_model: providerJob.fineTunedModel,
      actual_cost_usd: actual,
      model_version_id: modelVersionId,
      error: status === 'failed' ? JSON.stringify({ code: providerJob.error?.code ?? 'provider_failed', message: reason }) : current.error === null ? null : JSON.stringify(current.error),
      finished_at: terminal ? (providerJob.finishedAt ?? now) : null,
      next_poll_at: delay === null ? null : new Date(now.getTime() + delay),
      poll_attempts: current.poll_attempts + 1,
      ftm_state: ftmStateColumn({ ...b, progress, status_reason: reason ?? b.status_reason, last_provider_event_id: lastEvent }),
      updated_at: now,
    });
    const changed = status !== current.status || providerJob.status !== current.provider_status || JSON.stringify(progress) !== JSON.stringify(b.progress);
    if (changed) {
      await recordFtJobChange(trx, ctx, {
        previousStatus: current.status,
        row: updated,
        action: terminal ? `ft_job.${status}` : 'ft_job.progress',
        summary: terminal ? `fine-tuning job ${status}${providerJob.fineTunedModel ? `: ${providerJob.fineTunedModel}` : ''}` : `provider status ${providerJob.status}`,
        details: { provider_status: providerJob.status, trained_tokens: providerJob.trainedTokens, actual_cost_usd: actual, model_version_id: modelVersionId },
      });
    }
    return { terminal, nextPollInMs: delay };
  });
}
