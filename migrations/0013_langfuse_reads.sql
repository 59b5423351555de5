-- The `langfuse` dataset source reads generations page by page from Langfuse's public API. What
-- it has read (sanitized before it is written) and where it stopped are kept per dataset version,
-- so a build interrupted mid-way resumes from its last page cursor instead of reading again.
-- Rows go when the version finishes (ready, blocked or failed).
create table langfuse_reads (
  dataset_id uuid primary key references datasets (id) on delete cascade,
  tenant_id uuid not null references tenants (id),
  -- Langfuse's cursor for the next page; null before the first page and after the last one.
  next_cursor text,
  pages integer not null default 0,
  records integer not null default 0,
  done boolean not null default false,
  updated_at timestamptz not null default now()
);
create index langfuse_reads_tenant_idx on langfuse_reads (tenant_id, dataset_id);

create table langfuse_read_records (
  dataset_id uuid not null references langfuse_reads (dataset_id) on delete cascade,
  tenant_id uuid not null references tenants (id),
  seq integer not null,
  trace_id text not null,
  observation_id text not null,
  -- SHA-256 of the example without its reply: generations answering the same prompt share it.
  prompt_sha256 text not null check (prompt_sha256 ~ '^[0-9a-f]{64}$'),
  -- The generation's score (mean of the named score's values), when one was read.
  score double precision,
  -- A CORRECTION score's text (sanitized), for preference pairs.
  correction text,
  -- The sanitized jsonl_chat example ({messages, tools?}) as JSON text.
  example text not null,
  findings jsonb not null default '{}',
  primary key (dataset_id, seq)
);
create index langfuse_read_records_tenant_idx on langfuse_read_records (tenant_id, dataset_id, seq);
create index langfuse_read_records_prompt_idx on langfuse_read_records (dataset_id, prompt_sha256);
