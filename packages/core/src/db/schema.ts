/**
 * Kysely table types for the schema in `migrations/`: every table and column the SQL files create.
 * packages/core/test/store/schema.test.ts fails when this file and a migrated database differ
 * (after a new migration: `pnpm gen:schema-spec`, then fix what it reports).
 * Generated<T> marks columns with database defaults.
 */
import type { ColumnType, Generated } from 'kysely';

export type Timestamp = ColumnType<Date, Date | string, Date | string>;
export type Json<T = unknown> = ColumnType<T, string | T, string | T>;
/** numeric comes back as a string from pg; parse deliberately at the repository edge. */
export type Numeric = ColumnType<string, number | string, number | string>;
/** A timestamp with a database default: optional on insert. */
export type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A JSON column with a database default: optional on insert. */
export type GeneratedJson<T = unknown> = ColumnType<T, string | T | undefined, string | T>;

export interface FtmMigrationsTable {
  id: string;
  checksum: string;
  applied_at: GeneratedTimestamp;
}

export interface TenantsTable {
  id: string;
  name: string;
  created_at: GeneratedTimestamp;
}

export interface ProjectsTable {
  id: string;
  tenant_id: string;
  name: string;
  created_at: GeneratedTimestamp;
}

export interface ApiKeysTable {
  id: string;
  tenant_id: string;
  project_id: string | null;
  name: string;
  role: 'admin' | 'member';
  prefix: string;
  key_hash: string;
  created_at: GeneratedTimestamp;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
}

export interface IdempotencyRecordsTable {
  tenant_id: string;
  key: string;
  method: string;
  path: string;
  request_hash: string;
  state: 'in_flight' | 'completed';
  response_status: number | null;
  response_headers: Json<Record<string, string>> | null;
  response_body: string | null;
  /** The resource the request's committed state change made (first event), before its response was stored. */
  resource_type: string | null;
  resource_id: string | null;
  locked_until: Timestamp;
  created_at: GeneratedTimestamp;
  expires_at: Timestamp;
}

export interface OutboxEventsTable {
  id: string;
  seq: Generated<number>;
  tenant_id: string;
  project_id: string | null;
  type: string;
  resource_type: string;
  resource_id: string | null;
  payload: Json<Record<string, unknown>>;
  request_id: string | null;
  occurred_at: GeneratedTimestamp;
  dispatched_at: Timestamp | null;
}

export interface AuditEventsTable {
  id: string;
  tenant_id: string;
  project_id: string | null;
  actor_type: 'api_key' | 'orchestrator_key' | 'system' | 'cli';
  actor_id: string;
  action: string;
  resource_type: string;
  resource_id: string | null;
  request_id: string | null;
  summary: string;
  details: GeneratedJson<Record<string, unknown>>;
  occurred_at: GeneratedTimestamp;
  orchestrator_audit_id: string | null;
  forwarded_at: Timestamp | null;
  forward_attempts: Generated<number>;
  forward_error: string | null;
}

export type ModelVersionStatus = 'candidate' | 'approved' | 'production' | 'retired';

export interface ModelVersionsTable {
  id: string;
  tenant_id: string;
  project_id: string | null;
  name: string;
  provider: string;
  provider_model_id: string;
  base_model: string;
  status: ModelVersionStatus;
  ft_job_id: string | null;
  dataset_id: string | null;
  eval_summary: GeneratedJson<Record<string, { eval_run_id: string; score: number; completed_at: string }>>;
  estimated_cost_usd: Numeric | null;
  actual_cost_usd: Numeric | null;
  metadata: GeneratedJson<Record<string, string>>;
  created_by: string;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export type JobQueueStatus = 'waiting' | 'active' | 'succeeded' | 'dead_letter';

export interface JobQueueTable {
  id: string;
  name: string;
  payload: Json<unknown>;
  status: ColumnType<JobQueueStatus, JobQueueStatus | undefined, JobQueueStatus>;
  attempt: Generated<number>;
  max_attempts: Generated<number>;
  backoff_ms: Generated<number>;
  run_at: GeneratedTimestamp;
  locked_until: Timestamp | null;
  locked_by: string | null;
  last_error: string | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  finished_at: Timestamp | null;
}

// ---------------------------------------------------------------------------------------------
// The RabbitMQ/SQS queue adapters' ledger (migrations/0012_broker_queue.sql).

export type BrokerJobStatus = 'queued' | 'scheduled' | 'dead_letter';

export interface BrokerJobsTable {
  queue: string;
  id: string;
  name: string;
  status: BrokerJobStatus;
  token: string;
  // {} is any JSON value but null; SQL null means the payload travels in the broker message.
  payload: ColumnType<{} | null, string | null, string | null>;
  attempt: Generated<number>;
  max_attempts: number;
  backoff_ms: number;
  run_at: Timestamp | null;
  last_error: string | null;
  failed_at: Timestamp | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface BrokerConsumersTable {
  queue: string;
  consumer_id: string;
  held: Json<Record<string, number>>;
  expires_at: Timestamp;
}

// ---------------------------------------------------------------------------------------------
// The v1 domain (migrations/0004_domain.sql).

/** A gate's recorded verdict, as ft_jobs.gates and promotions.gates store them. */
export interface GateVerdictRecord {
  readonly gate: string;
  readonly verdict: 'pass' | 'deny' | 'pending' | 'skipped';
  readonly reason?: string;
  readonly decision_id?: string;
}

/** How an eval run or re-eval names the model under test. */
export interface ModelRefRecord {
  readonly type: 'base_model' | 'ft_model_version' | 'provider_model_id';
  readonly value: string;
}

/** A text[] column with a database default. */
export type GeneratedTextArray = ColumnType<string[], string[] | undefined, string[]>;

export interface UploadsTable {
  id: string;
  tenant_id: string;
  project_id: string | null;
  filename: string | null;
  content_type: string | null;
  blob_key: string;
  size_bytes: number;
  sha256: string;
  created_by: string;
  created_at: GeneratedTimestamp;
}

export type DatasetFormat = 'jsonl_chat' | 'jsonl_prompt_completion' | 'jsonl_preference';
export type DatasetStatus = 'queued' | 'building' | 'ready' | 'blocked' | 'failed';

export interface DatasetsTable {
  id: string;
  tenant_id: string;
  project_id: string | null;
  name: string;
  description: string | null;
  dataset_group_id: string;
  version: Generated<number>;
  parent_dataset_id: string | null;
  config_hash: string;
  config: GeneratedJson<Record<string, unknown>>;
  source: Json<Record<string, unknown>>;
  upload_id: string | null;
  format: DatasetFormat;
  base_model: string | null;
  status: Generated<DatasetStatus>;
  sanitized: Generated<boolean>;
  progress: GeneratedJson<Record<string, unknown>>;
  report: GeneratedJson<Record<string, unknown>>;
  reasons: GeneratedJson<Array<{ code: string; message: string } & Record<string, unknown>>>;
  governance_decision_id: string | null;
  train_blob_key: string | null;
  train_size_bytes: number | null;
  train_sha256: string | null;
  validation_blob_key: string | null;
  validation_size_bytes: number | null;
  validation_sha256: string | null;
  token_estimate: number | null;
  input_record_count: number | null;
  train_record_count: number | null;
  validation_record_count: number | null;
  dropped_record_count: number | null;
  build_attempts: Generated<number>;
  created_by: string;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  started_at: Timestamp | null;
  completed_at: Timestamp | null;
}

/** 0011: GenAI inference spans received over OTLP, sanitized (see genai-spans/). */
export interface GenaiSpansTable {
  tenant_id: string;
  trace_id: string;
  span_id: string;
  project_id: string | null;
  parent_span_id: string | null;
  service_name: string | null;
  operation: string;
  provider: string | null;
  request_model: string | null;
  response_model: string | null;
  finish_reasons: Generated<string[]>;
  input_tokens: number | null;
  output_tokens: number | null;
  start_time: Timestamp;
  end_time: Timestamp | null;
  status_code: Generated<number>;
  example: string;
  prompt_sha256: string;
  attributes: GeneratedJson<Record<string, unknown>>;
  findings: GeneratedJson<Record<string, number>>;
  received_at: GeneratedTimestamp;
}

export interface EvalSuitesTable {
  id: string;
  tenant_id: string;
  project_id: string | null;
  suite_group_id: string;
  version: Generated<number>;
  name: string;
  description: string | null;
  graders: GeneratedJson<Array<Record<string, unknown>>>;
  pass_threshold: Generated<number>;
  policy_profile: string | null;
  selection_strategy: GeneratedJson<Record<string, unknown>>;
  source_dataset_id: string | null;
  case_count: Generated<number>;
  created_by: string;
  created_at: GeneratedTimestamp;
  /** 0008: the version this one was derived from. */
  parent_suite_id: string | null;
}

export interface EvalCasesTable {
  id: string;
  tenant_id: string;
  eval_suite_id: string;
  position: number;
  input: Json<Record<string, unknown>>;
  expected_output: string | null;
  expected_tool_call: Json<Record<string, unknown>> | null;
  json_schema: Json<Record<string, unknown>> | null;
  tags: GeneratedTextArray;
  graders: Json<Array<Record<string, unknown>>> | null;
  embedding: number[] | null;
  metadata: GeneratedJson<Record<string, unknown>>;
  created_at: GeneratedTimestamp;
}

export type EvalRunStatus = 'queued' | 'running' | 'completed' | 'stopped' | 'failed' | 'canceled';

export interface EvalRunsTable {
  id: string;
  tenant_id: string;
  project_id: string | null;
  eval_suite_id: string;
  model_ref: Json<ModelRefRecord>;
  model_version_id: string | null;
  resolved_model: string | null;
  status: Generated<EvalRunStatus>;
  stop_reason: string | null;
  concurrency: Generated<number>;
  cost_cap_usd: Numeric | null;
  metrics: GeneratedJson<Record<string, unknown>>;
  cost_usd: ColumnType<string, number | string | undefined, number | string>;
  input_tokens: Generated<number>;
  output_tokens: Generated<number>;
  results_blob_key: string | null;
  progress: GeneratedJson<Record<string, unknown>>;
  governance_decision_id: string | null;
  error: Json<Record<string, unknown>> | null;
  created_by: string;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  started_at: Timestamp | null;
  completed_at: Timestamp | null;
  /** 0008: model parameters as requested. */
  params: GeneratedJson<Record<string, unknown>>;
  /** 0008: the cases a vector_retrieval selection fixed at creation; null means every case. */
  case_ids: string[] | null;
  /** 0008: what model-graded rubrics cost. */
  judge_cost_usd: ColumnType<string, number | string | undefined, number | string>;
}

export interface EvalCaseResultsTable {
  id: string;
  tenant_id: string;
  eval_run_id: string;
  case_id: string;
  passed: boolean;
  score: number;
  grader_results: GeneratedJson<Array<Record<string, unknown>>>;
  output: Json<Record<string, unknown>> | null;
  error: string | null;
  latency_ms: number | null;
  input_tokens: Generated<number>;
  output_tokens: Generated<number>;
  cost_usd: ColumnType<string, number | string | undefined, number | string>;
  created_at: GeneratedTimestamp;
  /** 0008: what grading this case with a judge model cost (part of cost_usd). */
  judge_cost_usd: ColumnType<string, number | string | undefined, number | string>;
}

export type ApprovalKind = 'ft_job' | 'promotion';
export type ApprovalStatus = 'pending' | 'approved' | 'rejected';

export interface ApprovalsTable {
  id: string;
  tenant_id: string;
  project_id: string | null;
  kind: ApprovalKind;
  resource_id: string;
  status: Generated<ApprovalStatus>;
  estimated_cost_usd: Numeric | null;
  reason: string | null;
  requested_by: string;
  decided_by: string | null;
  decided_at: Timestamp | null;
  note: string | null;
  remote_id: string | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export type FtJobMethod = 'supervised' | 'dpo' | 'reinforcement';
export type FtJobStatus = 'queued' | 'awaiting_approval' | 'submitting' | 'running' | 'completed' | 'failed' | 'canceled' | 'blocked';

export interface FtJobsTable {
  id: string;
  tenant_id: string;
  project_id: string | null;
  dataset_id: string;
  provider: string;
  base_model: string;
  method: Generated<FtJobMethod>;
  hyperparameters: GeneratedJson<Record<string, unknown>>;
  suffix: string | null;
  seed: number | null;
  status: Generated<FtJobStatus>;
  provider_status: string | null;
  gates: GeneratedJson<GateVerdictRecord[]>;
  estimated_cost_usd: Numeric | null;
  estimated_tokens: number | null;
  actual_cost_usd: Numeric | null;
  trained_tokens: number | null;
  provider_job_id: string | null;
  provider_file_id: string | null;
  provider_validation_file_id: string | null;
  fine_tuned_model: string | null;
  model_version_id: string | null;
  approval_id: string | null;
  error: Json<Record<string, unknown>> | null;
  simulated: Generated<boolean>;
  /** The caller's labels, nothing else (0017 moved FTM's bookkeeping out). */
  metadata: GeneratedJson<Record<string, string>>;
  /** 0017: FTM's own bookkeeping of the job (ft-jobs/ft-job.ts `FtJobBookkeeping`). */
  ftm_state: GeneratedJson<Record<string, unknown>>;
  /** 0017: the job this one was retargeted from (`POST /ft-jobs/{id}/retarget`). */
  retargeted_from: string | null;
  next_poll_at: Timestamp | null;
  poll_attempts: Generated<number>;
  cancel_requested_at: Timestamp | null;
  created_by: string;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  submitted_at: Timestamp | null;
  finished_at: Timestamp | null;
}

export interface FtJobEventsTable {
  id: string;
  tenant_id: string;
  ft_job_id: string;
  source: 'ftm' | 'provider';
  provider_event_id: string | null;
  level: Generated<'info' | 'warn' | 'error'>;
  type: string;
  message: string;
  data: GeneratedJson<Record<string, unknown>>;
  created_at: GeneratedTimestamp;
}

export type TargetType = 'assistant' | 'project' | 'global';

export interface ProductionPointersTable {
  id: string;
  tenant_id: string;
  project_id: string | null;
  target_type: TargetType;
  target_value: string;
  model_version_id: string;
  version: Generated<number>;
  updated_by: string;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export type PromotionDecision = 'promoted' | 'rejected' | 'blocked' | 'pending_approval';

export interface PromotionsTable {
  id: string;
  tenant_id: string;
  project_id: string | null;
  model_version_id: string;
  target_type: TargetType;
  target_value: string;
  min_eval_score: number | null;
  eval_suite_id: string | null;
  max_regression: number | null;
  notes: string | null;
  decision: PromotionDecision;
  gates: GeneratedJson<GateVerdictRecord[]>;
  approval_id: string | null;
  previous_model_version_id: string | null;
  pointer_id: string | null;
  baseline: GeneratedJson<Record<string, unknown>>;
  rolled_back_at: Timestamp | null;
  rolled_back_by: string | null;
  created_by: string;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  decided_at: Timestamp | null;
}

export type PointerChangeCause = 'promotion' | 'rollback' | 'override' | 'auto_rollback';

export interface PointerHistoryTable {
  id: string;
  tenant_id: string;
  pointer_id: string;
  seq: number;
  from_model_version_id: string | null;
  to_model_version_id: string;
  cause: PointerChangeCause;
  promotion_id: string | null;
  actor: string;
  notes: string | null;
  created_at: GeneratedTimestamp;
}

export interface ReEvalsTable {
  id: string;
  tenant_id: string;
  project_id: string | null;
  eval_suite_id: string;
  target_type: TargetType | null;
  target_value: string | null;
  model_ref: Json<ModelRefRecord> | null;
  schedule: 'cron' | 'immediate';
  cron: string | null;
  policy: GeneratedJson<Record<string, unknown>>;
  status: Generated<'active' | 'paused'>;
  baseline: GeneratedJson<Record<string, unknown>>;
  promotion_id: string | null;
  next_run_at: Timestamp | null;
  last_run_at: Timestamp | null;
  lease_owner: string | null;
  lease_expires_at: Timestamp | null;
  created_by: string;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  /** 0009: the caller's label. */
  name: string | null;
}

export interface ReEvalRunsTable {
  id: string;
  tenant_id: string;
  re_eval_id: string;
  eval_run_id: string | null;
  model_version_id: string | null;
  scheduled_for: Timestamp;
  regression: GeneratedJson<Record<string, unknown>>;
  detected: Generated<boolean>;
  action_taken: Generated<'none' | 'rolled_back' | 'rollback_skipped'>;
  created_at: GeneratedTimestamp;
  completed_at: Timestamp | null;
}

export interface WebhookEndpointsTable {
  id: string;
  tenant_id: string;
  project_id: string | null;
  url: string;
  event_types: GeneratedTextArray;
  description: string | null;
  enabled: Generated<boolean>;
  disabled_reason: string | null;
  secret: string | null;
  previous_secret: string | null;
  previous_secret_expires_at: Timestamp | null;
  created_by: string;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  deleted_at: Timestamp | null;
}

export type WebhookDeliveryStatus = 'pending' | 'delivering' | 'succeeded' | 'failed' | 'dead_letter';

export interface WebhookDeliveriesTable {
  id: string;
  tenant_id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  status: Generated<WebhookDeliveryStatus>;
  attempt_count: Generated<number>;
  /** Attempts before the current retry sequence (redeliver, replay, interrupted attempts move it). */
  retry_from_attempt: Generated<number>;
  /** Delays of the schedule this sequence uses; null: all of them. */
  retry_steps: number | null;
  next_attempt_at: Timestamp | null;
  last_status_code: number | null;
  last_error: string | null;
  last_attempt_at: Timestamp | null;
  succeeded_at: Timestamp | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface WebhookAttemptsTable {
  id: string;
  tenant_id: string;
  delivery_id: string;
  attempt: number;
  status_code: number | null;
  latency_ms: number | null;
  error: string | null;
  response_excerpt: string | null;
  started_at: Timestamp;
}

/** 0010: an encrypted secret of a tenant (or one of its projects); see secrets/encrypted-secret-store.ts. */
export interface SecretsTable {
  id: string;
  tenant_id: string;
  project_id: string | null;
  kind: string;
  name: string;
  fields: string[];
  key_id: string;
  nonce: Uint8Array;
  ciphertext: Uint8Array;
  created_by: string;
  updated_by: string;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

/** 0013: where a `langfuse` dataset source's read of one version stopped (see datasets/langfuse-source.ts). */
export interface LangfuseReadsTable {
  dataset_id: string;
  tenant_id: string;
  next_cursor: string | null;
  pages: Generated<number>;
  records: Generated<number>;
  done: Generated<boolean>;
  updated_at: GeneratedTimestamp;
}

/** 0013: one sanitized generation a `langfuse` read kept, in read order. */
export interface LangfuseReadRecordsTable {
  dataset_id: string;
  tenant_id: string;
  seq: number;
  trace_id: string;
  observation_id: string;
  prompt_sha256: string;
  score: number | null;
  correction: string | null;
  example: string;
  findings: GeneratedJson<Record<string, number>>;
}

/** 0014: one row per retirement warning sent (model version × announced date × threshold). */
export interface ModelRetirementWarningsTable {
  tenant_id: string;
  model_version_id: string;
  /** `YYYY-MM-DD`. */
  retirement_date: string;
  threshold_days: number;
  kind: string;
  created_at: GeneratedTimestamp;
}

/**
 * 0009: one row per singleton loop (the re-eval scheduler); the unexpired holder is the leader,
 * takeovers bump the token.
 */
export interface SchedulerLeasesTable {
  name: string;
  owner: string;
  fencing_token: Generated<number>;
  acquired_at: Timestamp;
  expires_at: Timestamp;
}

// ---------------------------------------------------------------------------------------------
// The simulated fine-tuning provider's own schema `ftm_simulated` (migrations/0005_simulated_provider.sql),
// read and written only by adapters/simulated/.

export interface SimulatedFilesTable {
  id: string;
  filename: string;
  bytes: number;
  example_count: number;
  token_count: number;
  created_at: GeneratedTimestamp;
}

export interface SimulatedJobsTable {
  id: string;
  idempotency_key: string;
  model: string;
  training_file: string;
  validation_file: string | null;
  method: string;
  hyperparameters: GeneratedJson<Record<string, unknown>>;
  suffix: string | null;
  seed: number | null;
  metadata: GeneratedJson<Record<string, string>>;
  n_epochs: number;
  example_count: number;
  token_count: number;
  /** The provider status at whose end the job fails (injected failure). */
  fail_at: 'validating_files' | 'queued' | 'running' | null;
  created_at: Timestamp;
  cancelled_at: Timestamp | null;
}

/**
 * Every table of every migration, by name (`schema.table` outside `public`). Checked against a
 * migrated database by packages/core/test/store/schema.test.ts.
 */
export interface DB {
  ftm_migrations: FtmMigrationsTable;
  tenants: TenantsTable;
  projects: ProjectsTable;
  api_keys: ApiKeysTable;
  idempotency_records: IdempotencyRecordsTable;
  outbox_events: OutboxEventsTable;
  audit_events: AuditEventsTable;
  model_versions: ModelVersionsTable;
  job_queue: JobQueueTable;
  broker_jobs: BrokerJobsTable;
  broker_consumers: BrokerConsumersTable;
  uploads: UploadsTable;
  datasets: DatasetsTable;
  genai_spans: GenaiSpansTable;
  langfuse_reads: LangfuseReadsTable;
  langfuse_read_records: LangfuseReadRecordsTable;
  eval_suites: EvalSuitesTable;
  eval_cases: EvalCasesTable;
  eval_runs: EvalRunsTable;
  eval_case_results: EvalCaseResultsTable;
  approvals: ApprovalsTable;
  ft_jobs: FtJobsTable;
  ft_job_events: FtJobEventsTable;
  production_pointers: ProductionPointersTable;
  promotions: PromotionsTable;
  pointer_history: PointerHistoryTable;
  re_evals: ReEvalsTable;
  re_eval_runs: ReEvalRunsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  secrets: SecretsTable;
  model_retirement_warnings: ModelRetirementWarningsTable;
  scheduler_leases: SchedulerLeasesTable;
  'ftm_simulated.files': SimulatedFilesTable;
  'ftm_simulated.jobs': SimulatedJobsTable;
}
