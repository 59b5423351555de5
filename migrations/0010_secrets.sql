-- Encrypted secrets (provider credentials, Langfuse keys, ...): one row per (tenant, project, kind,
-- name). A null project_id is the tenant-wide secret. The value is AES-256-GCM ciphertext (tag
-- appended) under the key whose id is key_id; the additional authenticated data binds it to the
-- row's tenant, project, kind and name, so a row copied elsewhere does not decrypt. `fields` names
-- what the value holds (for listings), never the values.
create table secrets (
  id uuid primary key,
  tenant_id uuid not null references tenants (id),
  project_id uuid,
  kind text not null check (kind ~ '^[a-z][a-z0-9_]{0,31}$'),
  name text not null check (name ~ '^[a-z0-9][a-z0-9_.-]{0,63}$'),
  fields text[] not null,
  key_id text not null,
  nonce bytea not null,
  ciphertext bytea not null,
  created_by text not null,
  updated_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique nulls not distinct (tenant_id, kind, name, project_id),
  foreign key (tenant_id, project_id) references projects (tenant_id, id)
);
create index secrets_kind_idx on secrets (tenant_id, kind, name);
