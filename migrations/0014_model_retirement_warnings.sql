-- One row per retirement warning sent: a model version is warned once per threshold (days before
-- the date) and per announced date, so a moved date warns again and a restarted worker does not.
create table model_retirement_warnings (
  tenant_id uuid not null references tenants (id),
  model_version_id uuid not null references model_versions (id),
  -- YYYY-MM-DD as the catalogue states it (text: both drivers read it back unchanged)
  retirement_date text not null check (retirement_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
  threshold_days integer not null check (threshold_days >= 0),
  kind text not null,
  created_at timestamptz not null default now(),
  primary key (model_version_id, retirement_date, threshold_days)
);
create index model_retirement_warnings_tenant_idx on model_retirement_warnings (tenant_id, created_at);
