-- The local Postgres-backed job queue (embedded mode and single-database deployments).
-- The id is the job id, so enqueuing a job id twice is deduplicated by the primary key.
create table job_queue (
  id text primary key,
  name text not null,
  payload jsonb not null,
  status text not null default 'waiting'
    check (status in ('waiting', 'active', 'succeeded', 'dead_letter')),
  -- attempts started so far; a claim increments it
  attempt integer not null default 0,
  max_attempts integer not null default 5 check (max_attempts >= 1),
  backoff_ms integer not null default 1000 check (backoff_ms >= 0),
  run_at timestamptz not null default now(),
  -- the visibility timeout: an active job whose lease passed is claimable again
  locked_until timestamptz,
  locked_by text,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finished_at timestamptz
);
create index job_queue_waiting_idx on job_queue (run_at) where status = 'waiting';
create index job_queue_active_lease_idx on job_queue (locked_until) where status = 'active';
create index job_queue_dead_letter_idx on job_queue (finished_at) where status = 'dead_letter';
create index job_queue_succeeded_idx on job_queue (finished_at) where status = 'succeeded';
