import type { FtmDatabase } from './db/open-database.js';
import type { BlobStore } from './ports/blob-store.js';
import type { Queue } from './ports/queue.js';
import { systemClock, type Clock } from './shared/clock.js';
import { uuidv7Generator, type IdGenerator } from './shared/ids.js';
import { silentLogger, type Logger } from './shared/logger.js';
import type { Actor, ServiceContext } from './shared/context.js';
import type { Page } from './db/pagination.js';
import type { Principal, KeyValidator } from './auth/principal.js';
import { Authenticator } from './auth/authenticator.js';
import { LocalKeyValidator } from './auth/local-key-validator.js';
import { LastUsedTracker } from './auth/last-used-tracker.js';
import { OrchestratorKeyValidator } from './adapters/orchestrator/key-validator.js';
import { createApiKey } from './auth/create-api-key.js';
import { listApiKeys } from './auth/list-api-keys.js';
import { revokeApiKey } from './auth/revoke-api-key.js';
import { ensureBootstrap, type BootstrapResult } from './auth/ensure-bootstrap.js';
import { createProject } from './auth/create-project.js';
import { createTenant, listTenants, type CreatedTenant, type Tenant } from './tenants/index.js';
import { listProjects } from './auth/list-projects.js';
import type { ApiKey, CreatedApiKey } from './auth/api-key.js';
import type { Project } from './auth/project.js';
import { IdempotencyService } from './idempotency/idempotency-service.js';
import { getAuditEvent } from './audit/get-audit-event.js';
import { listAuditEvents } from './audit/list-audit-events.js';
import type { AuditEvent } from './audit/audit-event.js';
import { createModelVersion } from './registry/create-model-version.js';
import { batchedModelVersionReader } from './registry/get-model-version.js';
import { listModelVersions } from './registry/list-model-versions.js';
import { approveModelVersion, retireModelVersion } from './registry/transition-model-version.js';
import type { ModelVersion } from './registry/model-version.js';
import type { GovernanceEngine } from './ports/governance.js';
import { LocalGovernanceEngine } from './governance/local-governance-engine.js';
import { defaultPolicy } from './governance/governance-policy.js';
import { BuiltinSanitizer } from './sanitization/builtin-sanitizer.js';
import type { Sanitizer } from './sanitization/sanitizer.js';
import type { TraceSource } from './datasets/trace-source.js';
import { createDatasetsService, type DatasetsService } from './datasets/datasets-service.js';
import { createEvalDeps, type EvalDepsConfig } from './evals/default-eval-deps.js';
import { createEvalsService, type EvalsService } from './evals/evals-service.js';
import { createWebhookDeps, type CreateWebhookDepsOptions } from './webhooks/webhook-deps.js';
import { createWebhooksService, type WebhooksService } from './webhooks/webhooks-service.js';
import { createFineTuningService, type FineTuningConfig, type FineTuningService } from './ft-jobs/fine-tuning-service.js';
import { createPromotionsService, type PromotionsService } from './promotions-service.js';
import type { PointerChangeBus } from './pointers/pointer-change-bus.js';
import { InProcessPointerChangeBus } from './adapters/local/in-process-pointer-change-bus.js';
import { EncryptedSecretStore } from './secrets/encrypted-secret-store.js';
import type { SecretKeyring } from './secrets/secret-keyring.js';
import { GenAiSpanWriter } from './genai-spans/genai-span-writer.js';
import { ingestOtlpTraces, type IngestOtlpTracesInput, type IngestOtlpTracesResult } from './genai-spans/ingest-otlp-traces.js';
import { purgeExpiredGenAiSpans } from './genai-spans/purge-expired-genai-spans.js';
import { storedProviderCredentials } from './providers/provider-credentials.js';
import type { ProviderCredentialInfo } from './providers/provider-credential-info.js';
import type { ProviderInfo } from './providers/provider-info.js';
import { listProviders } from './providers/list-providers.js';
import { LangfuseClient, findLangfuseConnection, type LangfuseClientOptions, type LangfuseCredentialInfo } from './langfuse/index.js';
import { setLangfuseCredential } from './langfuse/set-langfuse-credential.js';
import { deleteLangfuseCredential } from './langfuse/delete-langfuse-credential.js';
import { listLangfuseCredentials } from './langfuse/list-langfuse-credentials.js';
import { setProviderCredential } from './providers/set-provider-credential.js';
import { deleteProviderCredential } from './providers/delete-provider-credential.js';
import { listProviderCredentials } from './providers/list-provider-credentials.js';

/** Options of {@link createFtm}: the adapters the caller picked, plus tuning. */
export interface CreateFtmOptions {
  readonly database: FtmDatabase;
  readonly blobs: BlobStore;
  readonly queue: Queue;
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  readonly logger?: Logger;
  readonly auth?: {
    /** How long a validated key is trusted before asking its source again (default 30 s). */
    readonly cacheTtlMs?: number;
    readonly negativeCacheTtlMs?: number;
    /** How often at most a key's last_used_at is written (default 60 s). */
    readonly lastUsedResolutionMs?: number;
    /** Validate keys with the Orchestrator instead of the local table. */
    readonly orchestrator?: { readonly url: string; readonly apiKey: string; readonly timeoutMs?: number; readonly fetch?: typeof fetch };
  };
  readonly idempotency?: { readonly retentionMs?: number; readonly lockMs?: number };
  /**
   * The governance engine every gated step asks (createGovernanceEngine picks the Orchestrator or
   * a local policy); default: the local dev policy.
   */
  readonly governance?: GovernanceEngine;
  /** Dataset integrations (see createDatasetIntegrations); default: built-in sanitizer, no trace source. */
  readonly datasets?: {
    readonly governance?: GovernanceEngine;
    readonly sanitizer?: Sanitizer;
    readonly traces?: TraceSource | null;
    /** How the `langfuse` source reaches Langfuse (fetch, timeout, retries); the key pairs come from the secret store. */
    readonly langfuse?: LangfuseClientOptions;
  };
  /** Fine-tuning providers, PRISM and prices; default: the simulated provider, local approvals. */
  readonly fineTuning?: Omit<FineTuningConfig, 'env'> & { readonly env?: FineTuningConfig['env'] };
  /** Webhook signing keys, destination policy, retry schedule, sender; default: no signing key, public destinations only. */
  readonly webhooks?: Omit<CreateWebhookDepsOptions, 'db' | 'queue' | 'clock' | 'ids' | 'logger'>;
  /** Model runners, embeddings and the vector store of evals; default: simulated runner, local embeddings. */
  readonly evals?: Pick<EvalDepsConfig, 'openai' | 'azureOpenai' | 'runnerEndpoints' | 'vectorStore' | 'prices' | 'simulated' | 'engine'>;
  /** How pointer swaps reach every API process (openPointerChangeBus); default: in-process only. */
  readonly promotions?: { readonly bus?: PointerChangeBus };
  /** The keyring stored secrets are sealed with (FTM_SECRETS_KEY); default: none, so nothing can be stored. */
  readonly secrets?: { readonly keyring: SecretKeyring | null };
}

/** Everything the server, the worker and embedders call: one object, built once per process. */
export interface Ftm {
  readonly database: FtmDatabase;
  readonly blobs: BlobStore;
  readonly queue: Queue;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  /** The context a use case runs in for an authenticated principal. */
  context(principal: Principal, requestId: string, logger?: Logger): ServiceContext;
  /** A context for platform work (CLI, jobs) acting on one tenant. */
  systemContext(tenantId: string, options?: { projectId?: string | null; actor?: Actor; requestId?: string }): ServiceContext;
  readonly auth: {
    authenticate(secret: string): Promise<Principal>;
    /** The cache's answer without I/O (throws UnauthorizedError like authenticate); undefined on a miss. */
    authenticateCached(secret: string): Principal | undefined;
    ensureBootstrap(): Promise<BootstrapResult>;
    createApiKey(ctx: ServiceContext, input: unknown): Promise<CreatedApiKey>;
    listApiKeys(ctx: ServiceContext, query: unknown): Promise<Page<ApiKey>>;
    revokeApiKey(ctx: ServiceContext, id: string): Promise<ApiKey>;
    createProject(ctx: ServiceContext, input: unknown): Promise<Project>;
    listProjects(ctx: ServiceContext, query: unknown): Promise<Page<Project>>;
    /** Operator work (`POST /tenants`, `ftm tenants create`): a tenant, its default project and first admin key. */
    createTenant(input: unknown, options?: { actor?: Actor; requestId?: string }): Promise<CreatedTenant>;
    listTenants(query: unknown): Promise<Page<Tenant>>;
  };
  readonly idempotency: IdempotencyService;
  readonly registry: {
    createModelVersion(ctx: ServiceContext, input: unknown): Promise<ModelVersion>;
    getModelVersion(ctx: ServiceContext, id: string): Promise<ModelVersion>;
    listModelVersions(ctx: ServiceContext, query: unknown): Promise<Page<ModelVersion>>;
    approveModelVersion(ctx: ServiceContext, id: string): Promise<ModelVersion>;
    retireModelVersion(ctx: ServiceContext, id: string): Promise<ModelVersion>;
  };
  /** Uploads, datasets and the `dataset.build` job. */
  readonly datasets: DatasetsService;
  /** Fine-tuning jobs, approvals and provider webhooks. */
  readonly fineTuning: FineTuningService;
  /** Eval suites, runs, results and comparisons. */
  readonly evals: EvalsService;
  /** Webhook endpoints, fan-out, delivery, redelivery and replay. */
  readonly webhooks: WebhooksService;
  /** Promotions, production pointers (the cached resolve) and monitoring re-evals. */
  readonly promotions: PromotionsService;
  /** Encrypted secrets of tenants and projects (provider credentials, integration keys). */
  readonly secrets: EncryptedSecretStore;
  /** The audit trail of the tenant (`GET /audit-events`). */
  readonly audit: {
    listEvents(ctx: ServiceContext, query: unknown): Promise<Page<AuditEvent>>;
    getEvent(ctx: ServiceContext, id: string): Promise<AuditEvent>;
  };
  /** GenAI inference spans received over OTLP/HTTP, the `otel_spans` dataset source's input. */
  readonly genAiSpans: {
    ingest(ctx: ServiceContext, input: IngestOtlpTracesInput): Promise<IngestOtlpTracesResult>;
    /** Deletes spans received before the cut-off (retention); returns how many. */
    purgeExpired(receivedBefore: Date): Promise<number>;
  };
  /** The Langfuse key pairs of the tenant and its projects (the `langfuse` dataset source's credentials). */
  readonly langfuse: {
    setCredential(ctx: ServiceContext, input: unknown): Promise<{ readonly credential: LangfuseCredentialInfo; readonly replaced: boolean }>;
    deleteCredential(ctx: ServiceContext, query: unknown): Promise<LangfuseCredentialInfo>;
    listCredentials(ctx: ServiceContext, query: unknown): Promise<Page<LangfuseCredentialInfo>>;
  };
  /** The registered model providers and the credentials tenants store for them. */
  readonly providers: {
    list(ctx: ServiceContext, query: unknown): Promise<{ readonly data: readonly ProviderInfo[]; readonly next_cursor: null }>;
    setCredential(ctx: ServiceContext, provider: string, input: unknown): Promise<{ readonly credential: ProviderCredentialInfo; readonly replaced: boolean }>;
    deleteCredential(ctx: ServiceContext, provider: string, query: unknown): Promise<ProviderCredentialInfo>;
    listCredentials(ctx: ServiceContext, provider: string, query: unknown): Promise<Page<ProviderCredentialInfo>>;
  };
  /** Flushes pending bookkeeping, then closes the queue, the blob store and the database. */
  close(): Promise<void>;
}

const SYSTEM_ACTOR: Actor = { type: 'system', id: 'system', role: 'admin' };
const OPERATOR_ACTOR: Actor = { type: 'system', id: 'operator', role: 'admin' };

/** The composition root: wires use cases to the given adapters. No I/O happens until called. */
export function createFtm(options: CreateFtmOptions): Ftm {
  const { database, blobs, queue } = options;
  const db = database.db;
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? uuidv7Generator;
  const logger = options.logger ?? silentLogger;

  const orchestrator = options.auth?.orchestrator;
  const validator: KeyValidator = orchestrator
    ? new OrchestratorKeyValidator({
        baseUrl: orchestrator.url,
        apiKey: orchestrator.apiKey,
        db,
        clock,
        ...(orchestrator.timeoutMs !== undefined ? { timeoutMs: orchestrator.timeoutMs } : {}),
        ...(orchestrator.fetch ? { fetch: orchestrator.fetch } : {}),
      })
    : new LocalKeyValidator(db, clock);
  const lastUsed = new LastUsedTracker({ db, clock, logger, resolutionMs: options.auth?.lastUsedResolutionMs ?? 60_000 });
  const authenticator = new Authenticator({
    validator,
    clock,
    ...(options.auth?.cacheTtlMs !== undefined ? { cacheTtlMs: options.auth.cacheTtlMs } : {}),
    ...(options.auth?.negativeCacheTtlMs !== undefined ? { negativeCacheTtlMs: options.auth.negativeCacheTtlMs } : {}),
    onAuthenticated: (p) => {
      if (p.actor.type === 'api_key') lastUsed.touch(p.actor.id);
    },
  });

  const context = (principal: Principal, requestId: string, requestLogger?: Logger): ServiceContext => ({
    tenantId: principal.tenantId,
    projectId: principal.projectId,
    actor: principal.actor,
    requestId,
    clock,
    ids,
    logger: requestLogger ?? logger,
  });

  const systemContext = (tenantId: string, o: { projectId?: string | null; actor?: Actor; requestId?: string } = {}): ServiceContext => ({
    tenantId,
    projectId: o.projectId ?? null,
    actor: o.actor ?? SYSTEM_ACTOR,
    requestId: o.requestId ?? ids.next(),
    clock,
    ids,
    logger,
  });
  const governance = options.governance ?? new LocalGovernanceEngine(defaultPolicy(options.fineTuning?.env ?? 'dev'));
  const secrets = new EncryptedSecretStore(options.secrets?.keyring ?? null);
  const langfuseAdmin = { db, secrets };
  const datasets = createDatasetsService(
    {
      db,
      blobs,
      queue,
      governance: options.datasets?.governance ?? governance,
      sanitizer: options.datasets?.sanitizer ?? new BuiltinSanitizer(),
      traces: options.datasets?.traces ?? null,
      langfuse: {
        open: async (scope) => {
          const connection = await findLangfuseConnection(langfuseAdmin, scope);
          return connection ? new LangfuseClient(connection, options.datasets?.langfuse) : null;
        },
      },
    },
    { logger, now: () => clock.now(), systemContext: (tenantId, requestId) => systemContext(tenantId, requestId ? { requestId } : {}) },
  );

  // Credentials tenants store for providers, shared by fine-tuning and eval runners.
  const credentials = storedProviderCredentials(db, secrets);
  const webhooks = createWebhooksService(createWebhookDeps({ db, queue, clock, ids, logger, ...options.webhooks }));
  const evals = createEvalsService(createEvalDeps({ db, blobs, queue, governance, sanitizer: options.datasets?.sanitizer ?? new BuiltinSanitizer(), credentials, ...options.evals }));
  const fineTuning = createFineTuningService({ db, queue, blobs, clock, ids, logger, governance }, { env: 'dev', credentials, ...options.fineTuning });
  const providerAdmin = { db, secrets, providers: fineTuning.providers };
  const promotions = createPromotionsService({
    db,
    governance,
    sanitizer: options.datasets?.sanitizer ?? new BuiltinSanitizer(),
    prism: fineTuning.deps.prism,
    bus: options.promotions?.bus ?? new InProcessPointerChangeBus(),
    approvalHooks: fineTuning.deps.approvalHooks,
    clock,
    monitoring: { startEvalRun: (ctx, input) => evals.createRun(ctx, input), clock, ids, logger },
  });

  const sanitizer = options.datasets?.sanitizer ?? new BuiltinSanitizer();
  // Concurrent OTLP exports share inserts (each still answered only once its spans are committed).
  const spanWriter = new GenAiSpanWriter(db);
  return {
    database,
    blobs,
    queue,
    clock,
    ids,
    logger,
    context,
    genAiSpans: {
      // Spans are sanitized by the same sanitizer as dataset builds, before they are stored.
      ingest: (ctx, input) => ingestOtlpTraces({ db, sanitizer, writer: spanWriter }, ctx, input),
      purgeExpired: (receivedBefore) => purgeExpiredGenAiSpans(db, { receivedBefore }),
    },
    datasets,
    fineTuning,
    evals,
    webhooks,
    promotions,
    secrets,
    audit: {
      listEvents: (ctx, query) => listAuditEvents(db, ctx, query),
      getEvent: (ctx, id) => getAuditEvent(db, ctx, id),
    },
    langfuse: {
      setCredential: (ctx, input) => setLangfuseCredential(langfuseAdmin, ctx, input),
      deleteCredential: (ctx, query) => deleteLangfuseCredential(langfuseAdmin, ctx, query),
      listCredentials: (ctx, query) => listLangfuseCredentials(langfuseAdmin, ctx, query),
    },
    providers: {
      list: (ctx, query) => listProviders(providerAdmin, ctx, query),
      setCredential: (ctx, provider, input) => setProviderCredential(providerAdmin, ctx, provider, input),
      deleteCredential: (ctx, provider, query) => deleteProviderCredential(providerAdmin, ctx, provider, query),
      listCredentials: (ctx, provider, query) => listProviderCredentials(providerAdmin, ctx, provider, query),
    },
    systemContext,
    auth: {
      authenticate: (secret) => authenticator.authenticate(secret),
      authenticateCached: (secret) => authenticator.authenticateCached(secret),
      ensureBootstrap: () => ensureBootstrap(db, { actor: SYSTEM_ACTOR, requestId: ids.next(), clock, ids, logger }),
      createApiKey: (ctx, input) => createApiKey(db, ctx, input),
      listApiKeys: (ctx, query) => listApiKeys(db, ctx, query),
      revokeApiKey: async (ctx, id) => {
        const key = await revokeApiKey(db, ctx, id);
        authenticator.invalidateKey(key.id);
        return key;
      },
      createProject: (ctx, input) => createProject(db, ctx, input),
      createTenant: (input, o = {}) => createTenant(db, { actor: o.actor ?? OPERATOR_ACTOR, requestId: o.requestId ?? ids.next(), clock, ids, logger }, input),
      listTenants: (query) => listTenants(db, query),
      listProjects: (ctx, query) => listProjects(db, ctx, query),
    },
    idempotency: new IdempotencyService({ db, clock, ...options.idempotency }),
    registry: {
      createModelVersion: (ctx, input) => createModelVersion(db, ctx, input),
      getModelVersion: batchedModelVersionReader(db),
      listModelVersions: (ctx, query) => listModelVersions(db, ctx, query),
      approveModelVersion: (ctx, id) => approveModelVersion(db, ctx, id),
      retireModelVersion: (ctx, id) => retireModelVersion(db, ctx, id),
    },
    close: async () => {
      await promotions.close();
      await lastUsed.flush();
      await queue.close();
      await blobs.close();
      await database.close();
    },
  };
}
