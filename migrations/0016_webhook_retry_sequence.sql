-- Where a delivery's current retry sequence began, so the schedule position is counted from
-- there: a redeliver starts a fresh, short sequence (retry_steps delays of the schedule), a
-- replayed dead letter a fresh full one, and an attempt interrupted by a dying worker does not
-- use up a step (the take-over attempt moves the start on by one).
alter table webhook_deliveries add column retry_from_attempt integer not null default 0;
alter table webhook_deliveries add column retry_steps integer;
