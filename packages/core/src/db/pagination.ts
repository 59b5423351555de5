import { z } from 'zod';
import { ValidationError } from '../shared/errors.js';
import { isUuid } from '../shared/ids.js';

/** Default and largest page sizes of every list endpoint (the contract's `Limit` parameter). */
export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 200;
/** Longest cursor the contract accepts. */
export const MAX_CURSOR_LENGTH = 500;

/** `limit` and `cursor` as every list endpoint accepts them (query strings arrive as text). */
export const PageParams = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT),
  cursor: z.string().min(1).max(MAX_CURSOR_LENGTH).optional(),
});
export type PageParams = z.infer<typeof PageParams>;

/** One page of a keyset-paginated list, as the API returns it. */
export interface Page<T> {
  readonly data: readonly T[];
  readonly next_cursor: string | null;
}

/** Where a page ends: after an id, or after a (created_at, id) pair for lists ordered by time. */
export type CursorPosition = IdCursor | TimeCursor;
/** Position in a list ordered by id (UUIDv7, so id order is creation order). */
export interface IdCursor {
  readonly id: string;
}
/** Position in a list ordered by `created_at desc, id desc`; created_at is RFC 3339 with ms. */
export interface TimeCursor {
  readonly created_at: string;
  readonly id: string;
}

const BASE64URL_RE = /^[A-Za-z0-9_-]+$/;

function invalidCursor(): ValidationError {
  return new ValidationError('cursor is not valid', [{ path: 'cursor', message: 'not a cursor returned by this API' }]);
}

/** An opaque cursor: base64url of the position's JSON, keys in a fixed order. */
export function encodeCursor(position: CursorPosition): string {
  const canonical = 'created_at' in position ? { created_at: position.created_at, id: position.id } : { id: position.id };
  return Buffer.from(JSON.stringify(canonical), 'utf8').toString('base64url');
}

/**
 * The position a cursor points after. Anything this module did not produce — garbage, other keys,
 * a non-UUID id, a non-canonical time, or bytes changed in transit — is a ValidationError, so a
 * tampered cursor is a 400 and never reaches SQL.
 */
export function decodeCursor(cursor: string): CursorPosition {
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !BASE64URL_RE.test(cursor)) throw invalidCursor();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidCursor();
  const fields = parsed as Record<string, unknown>;
  const keys = Object.keys(fields).sort().join(',');
  if (typeof fields.id !== 'string' || !isUuid(fields.id)) throw invalidCursor();
  let position: CursorPosition;
  if (keys === 'id') {
    position = { id: fields.id };
  } else if (keys === 'created_at,id' && typeof fields.created_at === 'string' && isCanonicalTime(fields.created_at)) {
    position = { created_at: fields.created_at, id: fields.id };
  } else {
    throw invalidCursor();
  }
  // Base64 tolerates some edits (trailing bits, reordered keys): only the exact encoding is ours.
  if (encodeCursor(position) !== cursor) throw invalidCursor();
  return position;
}

function isCanonicalTime(value: string): boolean {
  const ms = Date.parse(value);
  return Number.isFinite(ms) && new Date(ms).toISOString() === value;
}

/** The id a cursor of an id-ordered list points after; a time cursor here is a ValidationError. */
export function decodeIdCursor(cursor: string): string {
  const position = decodeCursor(cursor);
  if ('created_at' in position) throw invalidCursor();
  return position.id;
}

/** The (created_at, id) a cursor of a time-ordered list points after. */
export function decodeTimeCursor(cursor: string): { readonly createdAt: Date; readonly id: string } {
  const position = decodeCursor(cursor);
  if (!('created_at' in position)) throw invalidCursor();
  return { createdAt: new Date(position.created_at), id: position.id };
}

/**
 * Turns `limit + 1` rows fetched in list order into a page: the extra row only tells whether
 * another page exists, so it is dropped and the cursor points after the last kept row.
 */
export function toPage<R, T>(rows: readonly R[], limit: number, map: (row: R) => T, positionOf: (row: R) => CursorPosition): Page<T> {
  const kept = rows.slice(0, limit);
  const last = kept[kept.length - 1];
  return { data: kept.map(map), next_cursor: rows.length > limit && last !== undefined ? encodeCursor(positionOf(last)) : null };
}

/** {@link toPage} for lists ordered by `id desc` (query with `id < cursor id`). */
export function toIdPage<R extends { readonly id: string }, T>(rows: readonly R[], limit: number, map: (row: R) => T): Page<T> {
  return toPage(rows, limit, map, (row) => ({ id: row.id }));
}

/**
 * {@link toPage} for lists ordered by `created_at desc, id desc` (query with
 * `(created_at, id) < (cursor created_at, cursor id)`). The cursor keeps milliseconds, so use it
 * on columns written from the application clock, not on microsecond `now()` defaults.
 */
export function toTimePage<R extends { readonly id: string; readonly created_at: Date }, T>(rows: readonly R[], limit: number, map: (row: R) => T): Page<T> {
  return toPage(rows, limit, map, (row) => ({ created_at: row.created_at.toISOString(), id: row.id }));
}
