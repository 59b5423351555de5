-- The simulated fine-tuning provider's own state. It stands in for an external provider, so it
-- lives in its own schema, apart from FTM's domain tables: FTM reaches it only through the
-- FineTuneProvider port, exactly as it reaches OpenAI. Persisting it means a worker killed mid-job
-- finds the simulated provider's jobs still there, and tests can count how many it was asked for.
create schema if not exists ftm_simulated;

create table ftm_simulated.files (
  id text primary key,
  filename text not null,
  bytes bigint not null,
  example_count integer not null,
  token_count bigint not null,
  created_at timestamptz not null default now()
);

-- Deliberately no unique key on idempotency_key: like a provider that ignores idempotency keys,
-- so FTM's own guarantee (one provider job per FTM job) is what the tests exercise.
create table ftm_simulated.jobs (
  id text primary key,
  idempotency_key text not null,
  model text not null,
  training_file text not null references ftm_simulated.files (id),
  validation_file text,
  method text not null,
  hyperparameters jsonb not null default '{}'::jsonb,
  suffix text,
  seed integer,
  metadata jsonb not null default '{}'::jsonb,
  n_epochs integer not null,
  example_count integer not null,
  token_count bigint not null,
  -- the provider status at whose end the job fails (injected failure), or null
  fail_at text check (fail_at in ('validating_files', 'queued', 'running')),
  created_at timestamptz not null,
  cancelled_at timestamptz
);
create index simulated_jobs_key_idx on ftm_simulated.jobs (idempotency_key);
create index simulated_jobs_created_idx on ftm_simulated.jobs (created_at desc);
