-- The model registry. Versions are never deleted: `retired` is their last state.
create table model_versions (
  id uuid primary key,
  tenant_id uuid not null references tenants(id),
  project_id uuid references projects(id),
  name text not null,
  provider text not null,
  provider_model_id text not null,
  base_model text not null,
  status text not null check (status in ('candidate', 'approved', 'production', 'retired')),
  ft_job_id uuid,
  dataset_id uuid,
  -- latest completed eval score per suite: { "<suite_id>": { "eval_run_id": …, "score": …, "completed_at": … } }
  eval_summary jsonb not null default '{}'::jsonb,
  estimated_cost_usd numeric(14, 6),
  actual_cost_usd numeric(14, 6),
  metadata jsonb not null default '{}'::jsonb,
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, provider, provider_model_id)
);
create index model_versions_tenant_idx on model_versions (tenant_id, id desc);
create index model_versions_tenant_status_idx on model_versions (tenant_id, status, id desc);
create index model_versions_tenant_project_idx on model_versions (tenant_id, project_id, id desc);
