-- An idempotent request's state change names the resource it made in the same transaction
-- (recordEvent does it with the outbox row), so a retry after a crash between commit and
-- response can be answered from the committed resource instead of `idempotency_key_in_flight`.
alter table idempotency_records add column resource_type text;
alter table idempotency_records add column resource_id uuid;
