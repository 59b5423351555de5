-- GenAI inference spans received over OTLP/HTTP (POST /otlp/v1/traces), sanitized before they
-- are written: the chat example of each span, what to filter datasets by, and lineage ids.
-- A span is identified by its trace and span ids within a tenant, so an exporter's retry of the
-- same batch stores nothing twice. Rows older than the retention setting are purged.
create table genai_spans (
  tenant_id uuid not null references tenants (id),
  trace_id text not null check (trace_id ~ '^[0-9a-f]{32}$'),
  span_id text not null check (span_id ~ '^[0-9a-f]{16}$'),
  project_id uuid,
  parent_span_id text,
  service_name text,
  operation text not null,
  provider text,
  request_model text,
  response_model text,
  finish_reasons text[] not null default '{}',
  input_tokens integer,
  output_tokens integer,
  start_time timestamptz not null,
  end_time timestamptz,
  status_code smallint not null default 0,
  -- The sanitized jsonl_chat example ({messages, tools?}) as JSON text: read back verbatim by builds.
  example text not null,
  -- SHA-256 of the example without its reply: spans answering the same prompt share it.
  prompt_sha256 text not null check (prompt_sha256 ~ '^[0-9a-f]{64}$'),
  -- Scalar span attributes other than content (sanitized), for dataset filters.
  attributes jsonb not null default '{}',
  -- What the sanitizer found and redacted, per type (counts only).
  findings jsonb not null default '{}',
  received_at timestamptz not null default now(),
  primary key (tenant_id, trace_id, span_id),
  foreign key (tenant_id, project_id) references projects (tenant_id, id)
);
create index genai_spans_tenant_time_idx on genai_spans (tenant_id, start_time, trace_id, span_id);
create index genai_spans_tenant_prompt_idx on genai_spans (tenant_id, prompt_sha256);
create index genai_spans_received_idx on genai_spans (received_at);
