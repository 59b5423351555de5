import { z } from 'zod';
import { ValidationError } from '../shared/errors.js';
import { isUuid } from '../shared/ids.js';

/** Default and largest page sizes of every list endpoint. */
export const DEFAULT_PAGE_LIMIT = 20;
export const MAX_PAGE_LIMIT = 100;

/** `limit` and `cursor` as every list endpoint accepts them (query strings arrive as text). */
export const PageParams = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT),
  cursor: z.string().min(1).max(200).optional(),
});
export type PageParams = z.infer<typeof PageParams>;

/** One page of a keyset-paginated list, as the API returns it. */
export interface Page<T> {
  readonly data: readonly T[];
  readonly next_cursor: string | null;
}

/** An opaque cursor for keyset pagination by id (UUIDv7, so id order is creation order). */
export function encodeIdCursor(id: string): string {
  return Buffer.from(JSON.stringify({ id }), 'utf8').toString('base64url');
}

/** The id a cursor points after; a cursor this module did not make is a ValidationError. */
export function decodeIdCursor(cursor: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const id = (parsed as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'string' || !isUuid(id)) {
    throw new ValidationError('cursor is not valid', [{ path: 'cursor', message: 'not a cursor returned by this API' }]);
  }
  return id;
}

/**
 * Turns `limit + 1` rows fetched in id-descending order into a page: the extra row only tells
 * whether another page exists, so it is dropped and the cursor points after the last kept row.
 */
export function toIdPage<R extends { readonly id: string }, T>(rows: readonly R[], limit: number, map: (row: R) => T): Page<T> {
  const kept = rows.slice(0, limit);
  const last = kept[kept.length - 1];
  return { data: kept.map(map), next_cursor: rows.length > limit && last ? encodeIdCursor(last.id) : null };
}
