-- Promotions, pointers and monitoring: what 0004 leaves out.
--
-- re_evals.name: the caller's label for a re-eval (the contract's ReEval.name).
-- scheduler_leases: one row per singleton loop (the re-eval scheduler). Whoever holds an unexpired
--   lease is the leader; taking it over bumps fencing_token, so a deposed leader can tell.
alter table re_evals add column name text check (name is null or length(name) between 1 and 200);

create table scheduler_leases (
  name text primary key,
  owner text not null,
  fencing_token bigint not null default 1 check (fencing_token >= 1),
  acquired_at timestamptz not null,
  expires_at timestamptz not null
);

-- Rollback and monitoring look up the promotion that put a version behind a pointer.
create index promotions_tenant_pointer_idx on promotions (tenant_id, pointer_id, id desc) where decision = 'promoted';
-- The scheduler's unfinished runs (waiting for their eval run to end).
create index re_eval_runs_open_idx on re_eval_runs (created_at) where completed_at is null;
