/**
 * Kysely table types for the schema in `migrations/`. Keep in step with the SQL files.
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

/** Every table, by name. Domain migrations add theirs here. */
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
}
