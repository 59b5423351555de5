-- The v1 domain: uploads, datasets, evals, fine-tuning jobs, approvals, promotions, production
-- pointers, monitoring re-evals and webhooks.
--
-- Tenancy is enforced by the schema where it can be: every table carries tenant_id, every parent
-- exposes unique (tenant_id, id), and every child references its parent through
-- (tenant_id, parent_id), so a row can never point at another tenant's row. Composite FKs use
-- MATCH SIMPLE: a null parent id is simply "no parent".
-- Money is numeric(14, 6) USD; scores are double precision in [0, 1]; times are timestamptz.
-- Nothing here is ever hard-deleted except through its owner's explicit rules (FKs restrict).

alter table projects add constraint projects_tenant_id_id_key unique (tenant_id, id);
alter table model_versions add constraint model_versions_tenant_id_id_key unique (tenant_id, id);
alter table outbox_events add constraint outbox_events_tenant_id_id_key unique (tenant_id, id);
alter table model_versions
  add constraint model_versions_project_fk foreign key (tenant_id, project_id) references projects (tenant_id, id);

-- ---------------------------------------------------------------------------------------------
-- Uploads: a JSONL body streamed to blob storage, later used as a dataset source.
create table uploads (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  project_id uuid,
  filename text,
  content_type text,
  blob_key text not null,
  size_bytes bigint not null check (size_bytes >= 0),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  created_by text not null,
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  foreign key (tenant_id, project_id) references projects (tenant_id, id)
);
create index uploads_tenant_idx on uploads (tenant_id, id desc);

-- ---------------------------------------------------------------------------------------------
-- Datasets: each build is a version. A rebuild inserts a new row with parent_dataset_id, the same
-- dataset_group_id (the id of version 1) and config_hash, and version = max + 1.
create table datasets (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  project_id uuid,
  name text not null,
  description text,
  dataset_group_id uuid not null,
  version integer not null default 1 check (version >= 1),
  parent_dataset_id uuid,
  config_hash text not null,
  -- the build options (validation, sanitization policy, dedup, split, base model) as requested
  config jsonb not null default '{}'::jsonb,
  -- { type: orchestrator_traces | inline | upload, ... }; inline records live in blob storage
  source jsonb not null,
  upload_id uuid,
  format text not null check (format in ('jsonl_chat', 'jsonl_prompt_completion', 'jsonl_preference')),
  base_model text,
  status text not null default 'queued' check (status in ('queued', 'building', 'ready', 'blocked', 'failed')),
  -- true only once the TRiSM gate passed for this version
  sanitized boolean not null default false,
  -- { records_read, records_written, records_dropped } while building
  progress jsonb not null default '{}'::jsonb,
  -- { validation, sanitization, dedup, tokens } counts; never raw finding text
  report jsonb not null default '{}'::jsonb,
  -- [{ code, message }] why a build is blocked or failed
  reasons jsonb not null default '[]'::jsonb,
  governance_decision_id text,
  train_blob_key text,
  train_size_bytes bigint,
  train_sha256 text,
  validation_blob_key text,
  validation_size_bytes bigint,
  validation_sha256 text,
  token_estimate bigint,
  input_record_count integer,
  train_record_count integer,
  validation_record_count integer,
  dropped_record_count integer,
  build_attempts integer not null default 0,
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  started_at timestamptz,
  completed_at timestamptz,
  unique (tenant_id, id),
  unique (tenant_id, dataset_group_id, version),
  foreign key (tenant_id, project_id) references projects (tenant_id, id),
  foreign key (tenant_id, parent_dataset_id) references datasets (tenant_id, id),
  foreign key (tenant_id, upload_id) references uploads (tenant_id, id),
  check (status <> 'ready' or (train_blob_key is not null and train_sha256 is not null))
);
create index datasets_tenant_idx on datasets (tenant_id, id desc);
create index datasets_tenant_project_idx on datasets (tenant_id, project_id, id desc);
create index datasets_tenant_status_idx on datasets (tenant_id, status, id desc);
-- builds a crashed worker left behind, for the recovery sweep
create index datasets_unfinished_idx on datasets (updated_at) where status in ('queued', 'building');

-- ---------------------------------------------------------------------------------------------
-- Eval suites are immutable versions: an edit inserts version + 1 in the same suite_group_id.
create table eval_suites (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  project_id uuid,
  suite_group_id uuid not null,
  version integer not null default 1 check (version >= 1),
  name text not null,
  description text,
  -- [{ type, weight, options }]
  graders jsonb not null default '[]'::jsonb,
  pass_threshold double precision not null default 1 check (pass_threshold >= 0 and pass_threshold <= 1),
  policy_profile text,
  -- { type: static } or { type: vector_retrieval, query | kb_collection, top_k }
  selection_strategy jsonb not null default '{"type": "static"}'::jsonb,
  source_dataset_id uuid,
  case_count integer not null default 0,
  created_by text not null,
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, suite_group_id, version),
  foreign key (tenant_id, project_id) references projects (tenant_id, id),
  foreign key (tenant_id, source_dataset_id) references datasets (tenant_id, id)
);
create index eval_suites_tenant_idx on eval_suites (tenant_id, id desc);
create index eval_suites_tenant_project_idx on eval_suites (tenant_id, project_id, id desc);

create table eval_cases (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  eval_suite_id uuid not null,
  position integer not null check (position >= 0),
  -- { messages: [...], tools?: [...] }
  input jsonb not null,
  expected_output text,
  expected_tool_call jsonb,
  json_schema jsonb,
  tags text[] not null default '{}',
  -- per-case grader overrides, same shape as eval_suites.graders
  graders jsonb,
  -- for vector_retrieval selection when no vector extension is present (exact cosine in process)
  embedding real[],
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (eval_suite_id, position),
  foreign key (tenant_id, eval_suite_id) references eval_suites (tenant_id, id)
);
create index eval_cases_tenant_suite_idx on eval_cases (tenant_id, eval_suite_id, position);

-- ---------------------------------------------------------------------------------------------
-- Eval runs. A run stopped by its cost cap ends `stopped` with stop_reason `cost_cap`.
create table eval_runs (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  project_id uuid,
  eval_suite_id uuid not null,
  -- { type: base_model | ft_model_version | provider_model_id, value }
  model_ref jsonb not null,
  -- set when model_ref is an ft_model_version (or resolves to one): lets promotions find scores
  model_version_id uuid,
  resolved_model text,
  status text not null default 'queued' check (status in ('queued', 'running', 'completed', 'stopped', 'failed', 'canceled')),
  stop_reason text,
  concurrency integer not null default 4 check (concurrency between 1 and 256),
  cost_cap_usd numeric(14, 6) check (cost_cap_usd >= 0),
  -- { score, pass_rate, per_grader, per_tag, latency_ms: { p50, p95 }, tokens, cost_usd }
  metrics jsonb not null default '{}'::jsonb,
  cost_usd numeric(14, 6) not null default 0,
  input_tokens bigint not null default 0,
  output_tokens bigint not null default 0,
  results_blob_key text,
  -- { cases_total, cases_done, cases_failed }
  progress jsonb not null default '{}'::jsonb,
  governance_decision_id text,
  error jsonb,
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  started_at timestamptz,
  completed_at timestamptz,
  unique (tenant_id, id),
  foreign key (tenant_id, project_id) references projects (tenant_id, id),
  foreign key (tenant_id, eval_suite_id) references eval_suites (tenant_id, id),
  foreign key (tenant_id, model_version_id) references model_versions (tenant_id, id)
);
create index eval_runs_tenant_idx on eval_runs (tenant_id, id desc);
create index eval_runs_tenant_suite_idx on eval_runs (tenant_id, eval_suite_id, id desc);
create index eval_runs_tenant_status_idx on eval_runs (tenant_id, status, id desc);
-- "latest completed eval of this version on this suite" (promotion gate, eval_summary)
create index eval_runs_version_score_idx on eval_runs (tenant_id, model_version_id, eval_suite_id, completed_at desc)
  where status = 'completed';
create index eval_runs_unfinished_idx on eval_runs (updated_at) where status in ('queued', 'running');

-- One row per finished case, so a resumed run skips (and does not re-bill) what is done.
create table eval_case_results (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  eval_run_id uuid not null,
  case_id uuid not null,
  passed boolean not null,
  score double precision not null check (score >= 0 and score <= 1),
  -- [{ grader, passed, score, reason }]
  grader_results jsonb not null default '[]'::jsonb,
  -- { content, tool_calls }
  output jsonb,
  error text,
  latency_ms integer,
  input_tokens integer not null default 0,
  output_tokens integer not null default 0,
  cost_usd numeric(14, 6) not null default 0,
  created_at timestamptz not null default now(),
  unique (eval_run_id, case_id),
  foreign key (tenant_id, eval_run_id) references eval_runs (tenant_id, id),
  foreign key (tenant_id, case_id) references eval_cases (tenant_id, id)
);
create index eval_case_results_run_idx on eval_case_results (tenant_id, eval_run_id, id);
create index eval_case_results_failed_idx on eval_case_results (tenant_id, eval_run_id, id) where not passed;

-- ---------------------------------------------------------------------------------------------
-- Approvals: the local PRISM stand-in (and the record of a remote PRISM decision, remote_id).
-- One approval per resource: a retried request finds the existing row instead of a second one.
create table approvals (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  project_id uuid,
  kind text not null check (kind in ('ft_job', 'promotion')),
  resource_id uuid not null,
  status text not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
  estimated_cost_usd numeric(14, 6),
  reason text,
  requested_by text not null,
  decided_by text,
  decided_at timestamptz,
  note text,
  remote_id text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, kind, resource_id),
  foreign key (tenant_id, project_id) references projects (tenant_id, id),
  check ((status = 'pending') = (decided_at is null))
);
create index approvals_tenant_idx on approvals (tenant_id, id desc);
create index approvals_tenant_status_idx on approvals (tenant_id, status, id desc);
create unique index approvals_remote_idx on approvals (tenant_id, remote_id) where remote_id is not null;

-- ---------------------------------------------------------------------------------------------
-- Fine-tuning jobs. provider_job_id is written before anything can retry a submission, and is
-- unique per provider, so one FTM job never owns two provider jobs (nor two jobs one).
create table ft_jobs (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  project_id uuid,
  dataset_id uuid not null,
  provider text not null,
  base_model text not null,
  method text not null default 'supervised' check (method in ('supervised', 'dpo', 'reinforcement')),
  hyperparameters jsonb not null default '{}'::jsonb,
  suffix text,
  seed integer,
  status text not null default 'queued' check (status in (
    'queued', 'awaiting_approval', 'submitting', 'running', 'completed', 'failed', 'canceled', 'blocked'
  )),
  provider_status text,
  -- [{ gate, verdict: pass | deny | pending | skipped, reason, decision_id }]
  gates jsonb not null default '[]'::jsonb,
  estimated_cost_usd numeric(14, 6),
  estimated_tokens bigint,
  actual_cost_usd numeric(14, 6),
  trained_tokens bigint,
  provider_job_id text,
  provider_file_id text,
  provider_validation_file_id text,
  fine_tuned_model text,
  model_version_id uuid,
  approval_id uuid,
  -- { code, message } from FTM or the provider
  error jsonb,
  simulated boolean not null default false,
  metadata jsonb not null default '{}'::jsonb,
  next_poll_at timestamptz,
  poll_attempts integer not null default 0,
  cancel_requested_at timestamptz,
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  submitted_at timestamptz,
  finished_at timestamptz,
  unique (tenant_id, id),
  foreign key (tenant_id, project_id) references projects (tenant_id, id),
  foreign key (tenant_id, dataset_id) references datasets (tenant_id, id),
  foreign key (tenant_id, model_version_id) references model_versions (tenant_id, id),
  foreign key (tenant_id, approval_id) references approvals (tenant_id, id)
);
create unique index ft_jobs_provider_job_idx on ft_jobs (provider, provider_job_id) where provider_job_id is not null;
create index ft_jobs_tenant_idx on ft_jobs (tenant_id, id desc);
create index ft_jobs_tenant_status_idx on ft_jobs (tenant_id, status, id desc);
create index ft_jobs_tenant_project_idx on ft_jobs (tenant_id, project_id, id desc);
create index ft_jobs_tenant_dataset_idx on ft_jobs (tenant_id, dataset_id);
-- the poller's due work, and submissions a crashed worker left behind
create index ft_jobs_due_poll_idx on ft_jobs (next_poll_at) where status = 'running';
create index ft_jobs_unsubmitted_idx on ft_jobs (updated_at) where status in ('queued', 'submitting');

-- The job timeline: our own events and the provider's (deduplicated by provider_event_id).
create table ft_job_events (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  ft_job_id uuid not null,
  source text not null check (source in ('ftm', 'provider')),
  provider_event_id text,
  level text not null default 'info' check (level in ('info', 'warn', 'error')),
  type text not null,
  message text not null,
  data jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  foreign key (tenant_id, ft_job_id) references ft_jobs (tenant_id, id)
);
create unique index ft_job_events_provider_event_idx on ft_job_events (ft_job_id, provider_event_id)
  where provider_event_id is not null;
create index ft_job_events_job_idx on ft_job_events (tenant_id, ft_job_id, id);

alter table model_versions
  add constraint model_versions_ft_job_fk foreign key (tenant_id, ft_job_id) references ft_jobs (tenant_id, id);
alter table model_versions
  add constraint model_versions_dataset_fk foreign key (tenant_id, dataset_id) references datasets (tenant_id, id);

-- ---------------------------------------------------------------------------------------------
-- Production pointers: which model version serves a target now. `version` grows by one on every
-- move and is the ETag source. A global pointer uses target_value '*'.
create table production_pointers (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  project_id uuid,
  target_type text not null check (target_type in ('assistant', 'project', 'global')),
  target_value text not null check (target_value <> ''),
  model_version_id uuid not null,
  version bigint not null default 1 check (version >= 1),
  updated_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, target_type, target_value),
  foreign key (tenant_id, project_id) references projects (tenant_id, id),
  foreign key (tenant_id, model_version_id) references model_versions (tenant_id, id),
  check (target_type <> 'global' or target_value = '*')
);
create index production_pointers_version_idx on production_pointers (tenant_id, model_version_id);

create table promotions (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  project_id uuid,
  model_version_id uuid not null,
  target_type text not null check (target_type in ('assistant', 'project', 'global')),
  target_value text not null check (target_value <> ''),
  min_eval_score double precision check (min_eval_score >= 0 and min_eval_score <= 1),
  eval_suite_id uuid,
  max_regression double precision check (max_regression >= 0),
  notes text,
  decision text not null check (decision in ('promoted', 'rejected', 'blocked', 'pending_approval')),
  -- [{ gate, verdict: pass | deny | pending | skipped, reason, decision_id }]
  gates jsonb not null default '[]'::jsonb,
  approval_id uuid,
  previous_model_version_id uuid,
  pointer_id uuid,
  -- the score/cost/risk of the promoted version at promotion time, for monitoring regressions
  baseline jsonb not null default '{}'::jsonb,
  rolled_back_at timestamptz,
  rolled_back_by text,
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  decided_at timestamptz,
  unique (tenant_id, id),
  foreign key (tenant_id, project_id) references projects (tenant_id, id),
  foreign key (tenant_id, model_version_id) references model_versions (tenant_id, id),
  foreign key (tenant_id, previous_model_version_id) references model_versions (tenant_id, id),
  foreign key (tenant_id, eval_suite_id) references eval_suites (tenant_id, id),
  foreign key (tenant_id, approval_id) references approvals (tenant_id, id),
  foreign key (tenant_id, pointer_id) references production_pointers (tenant_id, id),
  check (target_type <> 'global' or target_value = '*')
);
create index promotions_tenant_idx on promotions (tenant_id, id desc);
create index promotions_tenant_version_idx on promotions (tenant_id, model_version_id, id desc);
create index promotions_tenant_target_idx on promotions (tenant_id, target_type, target_value, id desc);
create index promotions_pending_idx on promotions (tenant_id, id) where decision = 'pending_approval';

-- Every pointer move, in order: seq is 1, 2, 3… per pointer, so concurrent moves cannot fork it.
create table pointer_history (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  pointer_id uuid not null,
  seq bigint not null check (seq >= 1),
  from_model_version_id uuid,
  to_model_version_id uuid not null,
  cause text not null check (cause in ('promotion', 'rollback', 'override', 'auto_rollback')),
  promotion_id uuid,
  actor text not null,
  notes text,
  created_at timestamptz not null default now(),
  unique (pointer_id, seq),
  foreign key (tenant_id, pointer_id) references production_pointers (tenant_id, id),
  foreign key (tenant_id, from_model_version_id) references model_versions (tenant_id, id),
  foreign key (tenant_id, to_model_version_id) references model_versions (tenant_id, id),
  foreign key (tenant_id, promotion_id) references promotions (tenant_id, id)
);
create index pointer_history_tenant_pointer_idx on pointer_history (tenant_id, pointer_id, seq desc);

-- ---------------------------------------------------------------------------------------------
-- Monitoring: scheduled or immediate re-evals of whatever a target serves (or a fixed model).
-- lease_owner/lease_expires_at let one worker at a time claim a due re-eval.
create table re_evals (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  project_id uuid,
  eval_suite_id uuid not null,
  target_type text check (target_type in ('assistant', 'project', 'global')),
  target_value text,
  -- { type: base_model | ft_model_version | provider_model_id, value }
  model_ref jsonb,
  schedule text not null check (schedule in ('cron', 'immediate')),
  cron text,
  -- { max_score_drop, max_cost_increase_pct, auto_rollback }
  policy jsonb not null default '{}'::jsonb,
  status text not null default 'active' check (status in ('active', 'paused')),
  -- { model_version_id, eval_run_id, score, cost_usd } taken at promotion
  baseline jsonb not null default '{}'::jsonb,
  -- the promotion or override that created it, if any
  promotion_id uuid,
  next_run_at timestamptz,
  last_run_at timestamptz,
  lease_owner text,
  lease_expires_at timestamptz,
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, id),
  foreign key (tenant_id, project_id) references projects (tenant_id, id),
  foreign key (tenant_id, eval_suite_id) references eval_suites (tenant_id, id),
  foreign key (tenant_id, promotion_id) references promotions (tenant_id, id),
  check ((target_type is not null and target_value is not null and model_ref is null)
      or (target_type is null and target_value is null and model_ref is not null)),
  check (schedule <> 'cron' or cron is not null)
);
create index re_evals_tenant_idx on re_evals (tenant_id, id desc);
create index re_evals_due_idx on re_evals (next_run_at) where status = 'active' and next_run_at is not null;

-- One row per scheduled slot: unique (re_eval_id, scheduled_for) keeps two schedulers from both
-- running the same slot.
create table re_eval_runs (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  re_eval_id uuid not null,
  eval_run_id uuid,
  model_version_id uuid,
  scheduled_for timestamptz not null,
  -- { score_delta, cost_increase_pct, risk_delta, significant, ci }
  regression jsonb not null default '{}'::jsonb,
  detected boolean not null default false,
  action_taken text not null default 'none' check (action_taken in ('none', 'rolled_back', 'rollback_skipped')),
  created_at timestamptz not null default now(),
  completed_at timestamptz,
  unique (re_eval_id, scheduled_for),
  foreign key (tenant_id, re_eval_id) references re_evals (tenant_id, id),
  foreign key (tenant_id, eval_run_id) references eval_runs (tenant_id, id),
  foreign key (tenant_id, model_version_id) references model_versions (tenant_id, id)
);
create index re_eval_runs_tenant_re_eval_idx on re_eval_runs (tenant_id, re_eval_id, id desc);
create index re_eval_runs_eval_run_idx on re_eval_runs (eval_run_id) where eval_run_id is not null;

-- ---------------------------------------------------------------------------------------------
-- Webhooks. `secret` is returned only at creation (and rotation); null means the endpoint is
-- signed with FTM_WEBHOOK_SIGNING_KEY. An empty event_types matches every event.
-- Deleting an endpoint sets deleted_at: its delivery history stays.
create table webhook_endpoints (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  project_id uuid,
  url text not null,
  event_types text[] not null default '{}',
  description text,
  enabled boolean not null default true,
  disabled_reason text,
  secret text,
  previous_secret text,
  previous_secret_expires_at timestamptz,
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  unique (tenant_id, id),
  foreign key (tenant_id, project_id) references projects (tenant_id, id)
);
create index webhook_endpoints_tenant_idx on webhook_endpoints (tenant_id, id desc) where deleted_at is null;
-- fan-out reads the live endpoints of a tenant for every event
create index webhook_endpoints_active_idx on webhook_endpoints (tenant_id) where enabled and deleted_at is null;

create table webhook_deliveries (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  endpoint_id uuid not null,
  event_id uuid not null,
  event_type text not null,
  status text not null default 'pending' check (status in ('pending', 'delivering', 'succeeded', 'failed', 'dead_letter')),
  attempt_count integer not null default 0 check (attempt_count >= 0),
  next_attempt_at timestamptz,
  last_status_code integer,
  last_error text,
  last_attempt_at timestamptz,
  succeeded_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (endpoint_id, event_id),
  foreign key (tenant_id, endpoint_id) references webhook_endpoints (tenant_id, id),
  foreign key (tenant_id, event_id) references outbox_events (tenant_id, id)
);
create index webhook_deliveries_tenant_idx on webhook_deliveries (tenant_id, id desc);
create index webhook_deliveries_tenant_status_idx on webhook_deliveries (tenant_id, status, id desc);
create index webhook_deliveries_tenant_endpoint_idx on webhook_deliveries (tenant_id, endpoint_id, id desc);
create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at) where status = 'pending';
-- attempts a crashed worker left in flight
create index webhook_deliveries_delivering_idx on webhook_deliveries (updated_at) where status = 'delivering';
-- bulk replay of dead letters since a time
create index webhook_deliveries_dead_idx on webhook_deliveries (tenant_id, updated_at) where status = 'dead_letter';

create table webhook_attempts (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  delivery_id uuid not null,
  attempt integer not null check (attempt >= 1),
  status_code integer,
  latency_ms integer,
  error text,
  -- the first bytes of the receiver's body, capped by the deliverer
  response_excerpt text,
  started_at timestamptz not null,
  unique (delivery_id, attempt),
  foreign key (tenant_id, delivery_id) references webhook_deliveries (tenant_id, id)
);
create index webhook_attempts_tenant_delivery_idx on webhook_attempts (tenant_id, delivery_id, attempt);
