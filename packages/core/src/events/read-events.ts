import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { parseInput } from '../shared/parse-input.js';
import { ReadEventsInput, toStreamEvent, type StreamEvent } from './stream-event.js';

/**
 * The caller's events after a position, oldest first: tenant-scoped, limited to the key's project
 * when it has one, filtered by type and resource, and never past `up_to_seq` (the notifier's high
 * water mark, below which no transaction can still add an event).
 */
export async function readEvents(db: Kysely<DB>, ctx: ServiceContext, query: unknown): Promise<StreamEvent[]> {
  const input = parseInput(ReadEventsInput, query, 'query');
  let q = db.selectFrom('outbox_events').selectAll().where('tenant_id', '=', ctx.tenantId).where('seq', '>', input.after_seq).orderBy('seq', 'asc').limit(input.limit);
  if (input.up_to_seq !== undefined) q = q.where('seq', '<=', input.up_to_seq);
  if (ctx.projectId) q = q.where('project_id', '=', ctx.projectId);
  if (input.types && input.types.length > 0) q = q.where('type', 'in', input.types);
  if (input.resource_type) q = q.where('resource_type', '=', input.resource_type);
  if (input.resource_id) q = q.where('resource_id', '=', input.resource_id);
  return (await q.execute()).map(toStreamEvent);
}

/** The newest seq in the outbox (0 when empty): where a stream without Last-Event-ID starts. */
export async function latestEventSeq(db: Kysely<DB>): Promise<number> {
  const row = await sql<{ seq: string | number | null }>`select max(seq) as seq from outbox_events`.execute(db);
  return Number(row.rows[0]?.seq ?? 0);
}
