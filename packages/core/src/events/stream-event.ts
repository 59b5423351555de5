import { z } from 'zod';
import type { Selectable } from 'kysely';
import type { OutboxEventsTable } from '../db/schema.js';
import { parseInput } from '../shared/parse-input.js';

/** One outbox event as the SSE stream (and the SDK) carries it in `data:`. */
export interface StreamEvent {
  readonly id: string;
  /** Position in the tenant's stream; the SSE `id:` and the value of `Last-Event-ID`. */
  readonly seq: number;
  readonly type: string;
  readonly created_at: string;
  readonly resource_type: string;
  readonly resource_id: string | null;
  readonly project_id: string | null;
  readonly request_id: string | null;
  readonly data: Record<string, unknown>;
}

const TYPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/** A comma-separated query value or a repeated one, as a list. */
const ListParam = z.preprocess(
  (value) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : value,
  z.array(z.string().regex(TYPE, 'not an event type such as ft_job.updated')).max(50),
);

/** Filters of `GET /events`: event types, and one resource. */
export const EventStreamFilter = z.object({
  types: ListParam.optional(),
  resource_type: z.string().trim().min(1).max(100).optional(),
  resource_id: z.uuid().optional(),
});
export type EventStreamFilter = z.infer<typeof EventStreamFilter>;

/** Where a read starts and stops: after `after_seq`, up to `up_to_seq` inclusive. */
export const ReadEventsInput = EventStreamFilter.extend({
  after_seq: z.coerce.number().int().min(0),
  up_to_seq: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});
export type ReadEventsInput = z.input<typeof ReadEventsInput>;

/** `Last-Event-ID` as the stream issues it: the decimal seq of an event. */
export const LastEventId = z
  .string()
  .trim()
  .regex(/^\d{1,15}$/, 'must be the id of an event received from this stream')
  .transform(Number);

/** A validated `GET /events` request: its filters and where to resume (undefined: from now). */
export interface EventStreamRequest {
  readonly filter: EventStreamFilter;
  readonly afterSeq: number | undefined;
}

/**
 * Validates the query and `Last-Event-ID` of a stream request; a bad value is a ValidationError
 * (400) before any stream opens.
 */
export function parseEventStreamRequest(query: unknown, lastEventId: string | string[] | undefined): EventStreamRequest {
  const filter = parseInput(EventStreamFilter.strict(), query ?? {}, 'query');
  if (lastEventId === undefined || lastEventId === '') return { filter, afterSeq: undefined };
  const header = Array.isArray(lastEventId) ? lastEventId[lastEventId.length - 1] : lastEventId;
  return { filter, afterSeq: parseInput(LastEventId, header, 'Last-Event-ID header') };
}

/** Maps a stored outbox row to its stream shape. */
export function toStreamEvent(row: Selectable<OutboxEventsTable>): StreamEvent {
  const payload = typeof row.payload === 'string' ? (JSON.parse(row.payload) as Record<string, unknown>) : row.payload;
  return {
    id: row.id,
    seq: Number(row.seq),
    type: row.type,
    created_at: new Date(row.occurred_at).toISOString(),
    resource_type: row.resource_type,
    resource_id: row.resource_id,
    project_id: row.project_id,
    request_id: row.request_id,
    data: payload,
  };
}
