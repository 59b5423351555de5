import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { decodeCursor, decodeIdCursor, decodeTimeCursor, encodeCursor, PageParams, toIdPage, toTimePage } from '../../src/db/pagination.js';
import type { DB } from '../../src/db/schema.js';
import { ValidationError } from '../../src/shared/errors.js';
import { uuidv7 } from '../../src/shared/ids.js';
import { storeAdapters, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, type SeededTenant } from '@ftm/test-support/fixtures';

describe('cursor encoding', () => {
  const id = '01936f0e-7b7a-7cc2-8a5e-3f1f1f1f1f1f';

  it('round-trips an id cursor and a time cursor', () => {
    expect(decodeCursor(encodeCursor({ id }))).toEqual({ id });
    const time = { created_at: '2026-01-01T00:00:00.123Z', id };
    expect(decodeCursor(encodeCursor(time))).toEqual(time);
    expect(decodeTimeCursor(encodeCursor(time))).toEqual({ createdAt: new Date(time.created_at), id });
  });

  it('produces url-safe text with no padding', () => {
    expect(encodeCursor({ created_at: '2026-01-01T00:00:00.000Z', id })).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'abc$def'],
    ['not JSON', Buffer.from('hello').toString('base64url')],
    ['a JSON array', Buffer.from(JSON.stringify([id])).toString('base64url')],
    ['a non-uuid id', Buffer.from(JSON.stringify({ id: "1' or '1'='1" })).toString('base64url')],
    ['an extra key', Buffer.from(JSON.stringify({ id, tenant_id: id })).toString('base64url')],
    ['an unparseable time', Buffer.from(JSON.stringify({ created_at: 'yesterday', id })).toString('base64url')],
    ['a non-canonical time', Buffer.from(JSON.stringify({ created_at: '2026-01-01T00:00:00Z', id })).toString('base64url')],
    ['keys in another order', Buffer.from(JSON.stringify({ id, created_at: '2026-01-01T00:00:00.000Z' })).toString('base64url')],
    ['standard base64 padding', `${encodeCursor({ id })}==`],
    ['too long', 'A'.repeat(501)],
  ])('rejects a cursor that is %s with a ValidationError', (_label, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(ValidationError);
  });

  it('rejects a cursor with one character changed', () => {
    const cursor = encodeCursor({ id });
    const last = cursor.at(-1) === 'A' ? 'B' : 'A';
    expect(() => decodeCursor(cursor.slice(0, -1) + last)).toThrow(ValidationError);
  });

  it('rejects a time cursor where an id cursor is expected, and the other way round', () => {
    expect(() => decodeIdCursor(encodeCursor({ created_at: '2026-01-01T00:00:00.000Z', id }))).toThrow(ValidationError);
    expect(() => decodeTimeCursor(encodeCursor({ id }))).toThrow(ValidationError);
  });

  it('names the cursor field in the validation error', () => {
    try {
      decodeCursor('nope');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fieldErrors).toEqual([expect.objectContaining({ path: 'cursor' })]);
    }
  });

  it('has no next cursor when the extra row is absent', () => {
    expect(toIdPage([{ id }], 1, (r) => r.id)).toEqual({ data: [id], next_cursor: null });
    expect(toIdPage([], 5, (r: { id: string }) => r.id)).toEqual({ data: [], next_cursor: null });
  });

  it('applies the contract limits: default 50, at most 200', () => {
    expect(PageParams.parse({}).limit).toBe(50);
    expect(PageParams.parse({ limit: '200' }).limit).toBe(200);
    expect(PageParams.safeParse({ limit: '201' }).success).toBe(false);
    expect(PageParams.safeParse({ limit: '0' }).success).toBe(false);
  });
});

describe.each(storeAdapters)('keyset pagination on $name', ({ create }) => {
  let t: TestDatabase;
  let tenant: SeededTenant;
  let other: SeededTenant;
  const ids: string[] = [];
  beforeAll(async () => {
    t = await create();
    tenant = await seedTenant(t.database);
    other = await seedTenant(t.database);
    // Four rows share each millisecond so the time order needs its id tie-break.
    const base = Date.parse('2026-03-01T12:00:00.000Z');
    const rows = Array.from({ length: 23 }, (_, i) => ({
      id: uuidv7(),
      tenant_id: tenant.tenantId,
      blob_key: `uploads/${i}`,
      size_bytes: i,
      sha256: 'b'.repeat(64),
      created_by: 'test',
      created_at: new Date(base + Math.floor(i / 4)),
    }));
    ids.push(...rows.map((r) => r.id));
    await t.database.db.insertInto('uploads').values(rows).execute();
    await t.database.db
      .insertInto('uploads')
      .values({ id: uuidv7(), tenant_id: other.tenantId, blob_key: 'x', size_bytes: 1, sha256: 'c'.repeat(64), created_by: 'test' })
      .execute();
  });
  afterAll(async () => t?.dispose());

  async function idPage(db: Kysely<DB>, limit: number, cursor: string | null) {
    let q = db.selectFrom('uploads').select(['id', 'created_at']).where('tenant_id', '=', tenant.tenantId);
    if (cursor) q = q.where('id', '<', decodeIdCursor(cursor));
    return toIdPage(
      await q
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute(),
      limit,
      (r) => r.id,
    );
  }

  async function timePage(db: Kysely<DB>, limit: number, cursor: string | null) {
    let q = db.selectFrom('uploads').select(['id', 'created_at']).where('tenant_id', '=', tenant.tenantId);
    if (cursor) {
      const after = decodeTimeCursor(cursor);
      q = q.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(after.createdAt, after.id)));
    }
    const rows = await q
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    return toTimePage(rows, limit, (r) => r.id);
  }

  async function walk(fetch: (db: Kysely<DB>, limit: number, cursor: string | null) => Promise<{ data: readonly string[]; next_cursor: string | null }>, limit: number) {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await fetch(t.database.db, limit, cursor);
      seen.push(...page.data);
      cursor = page.next_cursor;
      pages++;
    } while (cursor && pages < 100);
    return { seen, pages };
  }

  it.each([1, 5, 23, 50])('returns every row exactly once, newest id first, with pages of %i', async (limit) => {
    const { seen, pages } = await walk(idPage, limit);
    expect(seen).toEqual([...ids].reverse());
    expect(pages).toBe(Math.ceil(ids.length / limit));
  });

  it('returns every row exactly once by created_at then id, across rows that share a timestamp', async () => {
    const { seen } = await walk(timePage, 3);
    const expected = await t.database.db.selectFrom('uploads').select('id').where('tenant_id', '=', tenant.tenantId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    expect(seen).toEqual(expected.map((r) => r.id));
    expect(new Set(seen).size).toBe(ids.length);
  });
});
