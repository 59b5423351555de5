import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Page } from '../db/pagination.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { GovernanceEngine } from '../ports/governance.js';
import type { Queue } from '../ports/queue.js';
import type { Clock } from '../shared/clock.js';
import type { ServiceContext } from '../shared/context.js';
import type { IdGenerator } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import { ApprovalHooks } from '../approvals/approval-hooks.js';
import type { Approval } from '../approvals/approval.js';
import { approveApproval, rejectApproval } from '../approvals/decide-approval.js';
import { getApproval } from '../approvals/get-approval.js';
import { listApprovals } from '../approvals/list-approvals.js';
import { syncPrismApproval } from '../approvals/sync-prism-approval.js';
import { PrismClient } from '../adapters/prism-approvals/prism-client.js';
import type { WebhookHeaders } from '../webhooks/standard-webhooks.js';
import type { SimulatedTimings } from '../adapters/simulated/simulated-progression.js';
import { createProviderResolver, type OpenAiEndpointConfig } from '../adapters/provider-resolver.js';
import type { FineTuneProviderResolver, ProviderEndpoint } from '../providers/fine-tune-provider-resolver.js';
import type { ProviderCredentialLookup } from '../providers/provider-credentials.js';
import { DEFAULT_PRICE_TABLE, withPriceOverrides, type PriceTableOverride } from '../providers/price-table.js';
import type { FtJob, FtJobTimelineEvent } from './ft-job.js';
import type { FtJobDeps, PollPolicy } from './ft-job-deps.js';
import { registerFtJobApprovalHook } from './ft-job-approval-hook.js';
import { createFtJob } from './create-ft-job.js';
import { getFtJob } from './get-ft-job.js';
import { listFtJobs } from './list-ft-jobs.js';
import { listFtJobEvents } from './list-ft-job-events.js';
import { cancelFtJob } from './cancel-ft-job.js';
import { retargetFtJob } from './retarget-ft-job.js';
import { enqueuePoll, submitFtJob } from './submit-ft-job.js';
import { pollFtJob, type PollOutcome } from './poll-ft-job.js';
import { ingestProviderWebhook, type ProviderWebhookSecrets, type WebhookIngestResult } from './ingest-provider-webhook.js';
import { sweepFtJobs } from './sweep-ft-jobs.js';

/** Configuration of fine-tuning, as the apps read it from the environment. */
export interface FineTuningConfig {
  readonly env: 'dev' | 'stage' | 'prod';
  /** FTM_OPENAI_API_KEY (+ optional per-tenant/project keys and base URL). */
  readonly openai?: OpenAiEndpointConfig | null;
  readonly azureOpenai?: OpenAiEndpointConfig | null;
  /** Further providers (Together, an embedder's own). */
  readonly endpoints?: readonly ProviderEndpoint[];
  /** Credentials tenants stored for their projects (createFtm passes the encrypted store's). */
  readonly credentials?: ProviderCredentialLookup | null;
  /** FTM_ORCHESTRATOR_URL + FTM_ORCHESTRATOR_API_KEY: governance checks go there when set. */
  readonly orchestrator?: { readonly url: string; readonly apiKey: string } | null;
  /** FTM_PRISM_URL (authenticated with the Orchestrator key): remote cost approvals when set. */
  readonly prism?: { readonly url: string; readonly apiKey: string } | null;
  /** A local governance policy (JSON/YAML) when there is no Orchestrator. */
  readonly governancePolicyFile?: string;
  readonly defaultCostThresholdUsd?: number | null;
  readonly priceOverrides?: PriceTableOverride;
  /** Standard Webhooks secrets per provider for `POST /provider-webhooks/{provider}`. */
  readonly webhookSecrets?: ProviderWebhookSecrets;
  readonly simulatedTimings?: Partial<SimulatedTimings>;
  readonly poll?: PollPolicy;
  readonly submitLeaseMs?: number;
}

/** The platform pieces fine-tuning runs on. */
export interface FineTuningPlatform {
  readonly db: Kysely<DB>;
  readonly queue: Queue;
  readonly blobs: BlobStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  /** Overrides the governance engine the configuration would pick (tests, embedding). */
  readonly governance?: GovernanceEngine;
}

/** Fine-tuning jobs, approvals and provider webhooks, as the server routes and worker jobs call them. */
export interface FineTuningService {
  readonly deps: FtJobDeps;
  readonly providers: FineTuneProviderResolver;
  createFtJob(ctx: ServiceContext, input: unknown): Promise<FtJob>;
  getFtJob(ctx: ServiceContext, id: string): Promise<FtJob>;
  listFtJobs(ctx: ServiceContext, query: unknown): Promise<Page<FtJob>>;
  cancelFtJob(ctx: ServiceContext, id: string): Promise<FtJob>;
  retargetFtJob(ctx: ServiceContext, id: string, input: unknown): Promise<FtJob>;
  listFtJobEvents(ctx: ServiceContext, id: string, query: unknown): Promise<Page<FtJobTimelineEvent>>;
  listApprovals(ctx: ServiceContext, query: unknown): Promise<Page<Approval>>;
  getApproval(ctx: ServiceContext, id: string): Promise<Approval>;
  approveApproval(ctx: ServiceContext, id: string, input: unknown): Promise<Approval>;
  rejectApproval(ctx: ServiceContext, id: string, input: unknown): Promise<Approval>;
  /** `rawBody`: the exact bytes received (the signature covers them). */
  ingestProviderWebhook(provider: string, headers: WebhookHeaders, rawBody: string | Uint8Array): Promise<WebhookIngestResult>;
  /** Worker: `ft_job.submit`. */
  submit(tenantId: string, ftJobId: string, requestId: string): Promise<void>;
  /** Worker: `ft_job.poll`; re-enqueues itself with backoff until the job is final. */
  poll(tenantId: string, ftJobId: string, requestId: string): Promise<PollOutcome>;
  /** Worker: periodic sweep of lost submissions/polls and pending PRISM approvals. */
  sweep(): Promise<number>;
}

/** Fine-tuning wired from its platform (the governance engine already chosen, see createGovernanceEngine) and configuration; no I/O happens here. */
export function createFineTuningService(platform: FineTuningPlatform & { readonly governance: GovernanceEngine }, config: FineTuningConfig): FineTuningService {
  const providers = createProviderResolver({
    openai: config.openai,
    azureOpenai: config.azureOpenai,
    endpoints: config.endpoints,
    credentials: config.credentials,
    simulated: { db: platform.db, clock: platform.clock, timings: config.simulatedTimings },
  });
  const governance = platform.governance;
  const prism = config.prism ? new PrismClient({ baseUrl: config.prism.url, apiKey: config.prism.apiKey }) : null;
  const approvalHooks = new ApprovalHooks();
  const deps: FtJobDeps = {
    db: platform.db,
    queue: platform.queue,
    blobs: platform.blobs,
    governance,
    prism,
    approvalHooks,
    providers,
    priceTable: config.priceOverrides ? withPriceOverrides(DEFAULT_PRICE_TABLE, config.priceOverrides) : DEFAULT_PRICE_TABLE,
    defaultCostThresholdUsd: config.defaultCostThresholdUsd ?? null,
    poll: config.poll,
    submitLeaseMs: config.submitLeaseMs,
  };
  registerFtJobApprovalHook(approvalHooks, deps);
  const approvalDeps = { db: platform.db, hooks: approvalHooks, prism };
  const system = (tenantId: string, requestId: string): ServiceContext => ({
    tenantId,
    projectId: null,
    actor: { type: 'system', id: 'ftm-worker', role: 'admin' },
    requestId,
    clock: platform.clock,
    ids: platform.ids,
    logger: platform.logger,
  });
  return {
    deps,
    providers,
    createFtJob: (ctx, input) => createFtJob(deps, ctx, input),
    getFtJob: (ctx, id) => getFtJob(deps, ctx, id),
    listFtJobs: (ctx, query) => listFtJobs(deps, ctx, query),
    cancelFtJob: (ctx, id) => cancelFtJob(deps, ctx, id),
    retargetFtJob: (ctx, id, input) => retargetFtJob(deps, ctx, id, input),
    listFtJobEvents: (ctx, id, query) => listFtJobEvents(deps, ctx, id, query),
    listApprovals: (ctx, query) => listApprovals(approvalDeps, ctx, query),
    getApproval: (ctx, id) => getApproval(approvalDeps, ctx, id),
    approveApproval: (ctx, id, input) => approveApproval(approvalDeps, ctx, id, input),
    rejectApproval: (ctx, id, input) => rejectApproval(approvalDeps, ctx, id, input),
    ingestProviderWebhook: (provider, headers, rawBody) =>
      ingestProviderWebhook({ ...deps, webhookSecrets: config.webhookSecrets ?? {} }, { clock: platform.clock, ids: platform.ids }, { provider, headers, rawBody }),
    submit: async (tenantId, ftJobId, requestId) => {
      await submitFtJob(deps, system(tenantId, requestId), ftJobId);
    },
    poll: async (tenantId, ftJobId, requestId) => {
      const outcome = await pollFtJob(deps, system(tenantId, requestId), ftJobId);
      if (outcome.nextPollInMs !== null) {
        const row = await platform.db.selectFrom('ft_jobs').select(['id', 'tenant_id', 'poll_attempts']).where('id', '=', ftJobId).executeTakeFirst();
        if (row) await enqueuePoll(deps, row, outcome.nextPollInMs);
      }
      return outcome;
    },
    sweep: async () => {
      let n = await sweepFtJobs(deps, { clock: platform.clock });
      if (prism) {
        const pending = await platform.db.selectFrom('approvals').select(['id', 'tenant_id']).where('status', '=', 'pending').where('remote_id', 'is not', null).limit(100).execute();
        for (const a of pending) {
          await syncPrismApproval(approvalDeps, system(a.tenant_id, `sweep-${a.id}`), a.id);
          n += 1;
        }
      }
      return n;
    },
  };
}
