-- State the RabbitMQ and SQS queue adapters keep beside their broker, which carries only the
-- messages of jobs that are due. A row exists while a job needs one:
--   queued      a job enqueued with a job id (the row deduplicates it until the job succeeds),
--               or whose payload is too large for a broker message (the payload is here);
--   scheduled   a delayed job or a retry waiting for run_at; a worker publishes it when due;
--   dead_letter a job that used its last attempt or failed for good, until it is replayed.
-- `queue` is the adapter's name prefix, so several queues can share one database.
create table broker_jobs (
  queue text not null,
  id text not null,
  name text not null,
  status text not null check (status in ('queued', 'scheduled', 'dead_letter')),
  -- the enqueue that owns the row: its messages carry the token, so a stale message never
  -- completes a newer enqueue of the same job id
  token text not null,
  payload jsonb,
  -- attempts made so far; the next delivery is attempt + 1
  attempt integer not null default 0 check (attempt >= 0),
  max_attempts integer not null check (max_attempts >= 1),
  backoff_ms integer not null check (backoff_ms >= 0),
  run_at timestamptz,
  last_error text,
  failed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (queue, id)
);
create index broker_jobs_scheduled_idx on broker_jobs (queue, run_at) where status = 'scheduled';
create index broker_jobs_dead_letter_idx on broker_jobs (queue, failed_at) where status = 'dead_letter';

-- Deliveries each consuming process holds, per job name, for brokers that cannot count their
-- unacknowledged messages (RabbitMQ over AMQP). Rows of processes that died expire.
create table broker_consumers (
  queue text not null,
  consumer_id text not null,
  held jsonb not null,
  expires_at timestamptz not null,
  primary key (queue, consumer_id)
);
