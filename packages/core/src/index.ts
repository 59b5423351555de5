import type { Kysely as DeprecatedKysely, Selectable as DeprecatedSelectable, Transaction as DeprecatedTransaction } from 'kysely';
import type { DB as SchemaDB, EvalCaseResultsTable, EvalRunsTable, EvalSuitesTable, ReEvalsTable } from './db/schema.js';
import { createDatasetsService, type DatasetsService } from './datasets/datasets-service.js';
import { createEvalsService, type EvalsService } from './evals/evals-service.js';
import { createWebhooksService, type WebhooksService } from './webhooks/webhooks-service.js';
import { createPromotionsService } from './promotions-service.js';
import { createFineTuningService, type FineTuningConfig, type FineTuningPlatform, type FineTuningService } from './ft-jobs/fine-tuning-service.js';
import { createGovernanceEngine } from './governance/create-governance-engine.js';
import { evalRunJob } from './evals/eval-jobs.js';
import { nextWebhookDeliveryStatus } from './webhooks/webhook-delivery-state-machine.js';
import { backoffMs as sharedBackoffMs } from './shared/backoff.js';
import { queueRetryDelayMs } from './ports/queue.js';
export * from './shared/errors.js';
export * from './shared/ids.js';
export * from './shared/clock.js';
export * from './shared/logger.js';
export type * from './ports/blob-store.js';
export type * from './ports/queue.js';
export * from './db/open-database.js';
export * from './db/migrator.js';
export type * from './db/sql-session.js';
export type * from './db/schema.js';
export * from './shared/http-client.js';
export { backoffMs, jitterMs, retry, type BackoffPolicy, type Jitter, type RetryOptions } from './shared/backoff.js';
/** @deprecated Use `backoffMs(attempt, { baseMs, maxMs })` (full jitter, the same delays). */
export const backoffDelayMs = (attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number => sharedBackoffMs(attempt, { baseMs, maxMs }, random);
/** @deprecated The queues' retry delay: `backoffMs(attempt, { baseMs, maxMs: 3_600_000, jitter: 'equal' })`. */
export const jitteredBackoffMs = queueRetryDelayMs;
export type * from './shared/context.js';
export * from './outbox/record-event.js';
export * from './audit/record-audit.js';
export type * from './ports/governance.js';
export { FsBlobStore, type FsBlobStoreOptions } from './adapters/fs/fs-blob-store.js';
export { S3BlobStore, type S3BlobStoreOptions, type S3Credentials } from './adapters/s3/s3-blob-store.js';
export { openBlobStore, type OpenBlobStoreOptions } from './adapters/open-blob-store.js';
export * from './events/index.js';
export * from './db/pagination.js';
export * from './registry/index.js';
export * from './auth/index.js';
export * from './tenants/index.js';
export * from './idempotency/index.js';
export { OrchestratorKeyValidator, OrchestratorKeyValidation, type OrchestratorKeyValidatorOptions } from './adapters/orchestrator/key-validator.js';
export * from './create-ftm.js';
export * from './adapters/local-queue/index.js';
export * from './adapters/redis/index.js';
export * from './adapters/broker/index.js';
export * from './adapters/rabbit/index.js';
export * from './adapters/sqs/index.js';
export * from './adapters/open-queue.js';
export * from './adapters/local/in-process-pointer-change-bus.js';
export * from './adapters/postgres/pg-notify-pointer-change-bus.js';
export * from './adapters/open-pointer-change-bus.js';
export * from './outbox/relay-outbox.js';
export * from './outbox/outbox-relay-loop.js';
export * from './outbox/outbox-jobs.js';
export * from './webhooks/index.js';
export * from './audit/index.js';
export { OrchestratorAuditClient, OrchestratorAuditReceipt, type OrchestratorAuditClientOptions } from './adapters/orchestrator/audit-client.js';
export * from './datasets/index.js';
export * from './sanitization/index.js';
export { OrchestratorTraceClient, type OrchestratorTraceClientConfig } from './adapters/orchestrator/trace-client.js';
export * from './evals/index.js';
export * from './runners/index.js';
export * from './vectors/index.js';
export * from './providers/index.js';
export * from './adapters/index.js';
export * from './governance/index.js';
export * from './approvals/index.js';
export * from './ft-jobs/index.js';
export * from './pointers/index.js';
export * from './promotions/index.js';
export * from './monitoring/index.js';
export * from './promotions-service.js';
export * from './shared/parse-input.js';
export * from './shared/json-limits.js';
export { PeriodicTask, type PeriodicTaskLease, type PeriodicTaskOptions } from './shared/periodic-task.js';
export * from './shared/job-definition.js';
export * from './shared/enqueue-job.js';
export * from './observability/index.js';
export * from './secrets/index.js';
export * from './genai-spans/index.js';
export * from './langfuse/index.js';

// Deprecated aliases: db/schema.ts now declares every migration's columns, so the eval and
// monitoring overlays (evals/eval-tables.ts, monitoring/monitoring-tables.ts) are gone.
/** @deprecated Use `EvalSuitesTable`. */
export type EvalSuitesTable0008 = EvalSuitesTable;
/** @deprecated Use `EvalRunsTable`. */
export type EvalRunsTable0008 = EvalRunsTable;
/** @deprecated Use `EvalCaseResultsTable`. */
export type EvalCaseResultsTable0008 = EvalCaseResultsTable;
/** @deprecated Use `ReEvalsTable`. */
export type ReEvalsTable0009 = ReEvalsTable;
/** @deprecated Use `DB`. */
export type EvalDB = SchemaDB;
/** @deprecated Use `DB`. */
export type MonitoringDB = SchemaDB;
/** @deprecated Use `Selectable<EvalCaseResultsTable>`. */
export type EvalCaseResultRow = DeprecatedSelectable<EvalCaseResultsTable>;
/** @deprecated The handle is already typed with every column; use it as it is. */
export const evalDb = (db: DeprecatedKysely<SchemaDB>): DeprecatedKysely<SchemaDB> => db;
/** @deprecated The handle is already typed with every column; use it as it is. */
export const evalTrx = (trx: DeprecatedTransaction<SchemaDB>): DeprecatedTransaction<SchemaDB> => trx;
/** @deprecated The handle is already typed with every column; use it as it is. */
export const sharedTrx = (trx: DeprecatedTransaction<SchemaDB>): DeprecatedTransaction<SchemaDB> => trx;
/** @deprecated The handle is already typed with every column; use it as it is. */
export const monitoringDb = evalDb;
/** @deprecated The handle is already typed with every column; use it as it is. */
export const monitoringTrx = evalTrx;

// Deprecated names, kept for embedders: services are `<Name>Service` built by `create<Name>Service`.
/** @deprecated Use {@link DatasetsService}. */
export type Datasets = DatasetsService;
/** @deprecated Use {@link createDatasetsService}. */
export const createDatasets = createDatasetsService;
/** @deprecated Use {@link EvalsService}. */
export type Evals = EvalsService;
/** @deprecated Use {@link createEvalsService}. */
export const createEvals = createEvalsService;
/** @deprecated Use {@link WebhooksService}. */
export type WebhookService = WebhooksService;
/** @deprecated Use {@link createWebhooksService}. */
export const createWebhookService = createWebhooksService;
/** @deprecated Use {@link createPromotionsService}. */
export const createPromotions = createPromotionsService;
/** @deprecated Use {@link createGovernanceEngine}, then {@link createFineTuningService}. */
export async function createFineTuning(platform: FineTuningPlatform, config: FineTuningConfig): Promise<FineTuningService> {
  const governance =
    platform.governance ??
    (await createGovernanceEngine({
      env: config.env,
      orchestrator: config.orchestrator ? { baseUrl: config.orchestrator.url, apiKey: config.orchestrator.apiKey } : null,
      policyFile: config.governancePolicyFile,
    }));
  return createFineTuningService({ ...platform, governance }, config);
}
/** @deprecated The retry policy of `eval.run` is `evalRunJob.retry`. */
export const EVAL_RUN_JOB_RETRY: { readonly maxAttempts: number; readonly backoffMs: number } = { ...evalRunJob.retry };
/** @deprecated Use {@link nextWebhookDeliveryStatus}. */
export const nextDeliveryStatus = nextWebhookDeliveryStatus;
/** @deprecated `ft_jobs.metadata` holds only the caller's labels since migration 0017; read `row.metadata`. */
export const userMetadata = (row: { readonly metadata: Record<string, string> }): Record<string, string> => row.metadata;
