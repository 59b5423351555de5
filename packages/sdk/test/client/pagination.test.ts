import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { FtmError } from '../../src/index.js';
import { BASE, modelVersion, testClient, useMockServer } from '../support/server.js';

const server = useMockServer();

/** Three pages of two versions each, keyed by cursor; records every query seen. */
function threePages(seen: URLSearchParams[]) {
  const pages: Record<string, { ids: string[]; next: string | null }> = {
    '': { ids: ['a', 'b'], next: 'c1' },
    c1: { ids: ['c', 'd'], next: 'c2' },
    c2: { ids: ['e', 'f'], next: null },
  };
  server.use(
    http.get(`${BASE}/model-versions`, ({ request }) => {
      const query = new URL(request.url).searchParams;
      seen.push(query);
      const page = pages[query.get('cursor') ?? ''];
      if (!page) return HttpResponse.json({ code: 'bad cursor' }, { status: 400 });
      return HttpResponse.json({ data: page.ids.map((id) => modelVersion(id)), next_cursor: page.next });
    }),
  );
}

describe('pagination', () => {
  it('iterates every item across pages, repeating the filters with each cursor', async () => {
    const seen: URLSearchParams[] = [];
    threePages(seen);
    const ids: string[] = [];
    for await (const v of testClient().ftm.modelVersions.list({ status: 'candidate', limit: 2 })) ids.push(v.id);
    expect(ids).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(seen.map((q) => q.get('cursor'))).toEqual([null, 'c1', 'c2']);
    expect(seen.every((q) => q.get('status') === 'candidate' && q.get('limit') === '2')).toBe(true);
  });

  it('awaits to the first page with hasNextPage and getNextPage', async () => {
    threePages([]);
    const first = await testClient().ftm.modelVersions.list();
    expect(first.data.map((v) => v.id)).toEqual(['a', 'b']);
    expect(first.nextCursor).toBe('c1');
    expect(first.hasNextPage()).toBe(true);
    const second = await first.getNextPage();
    expect(second.data.map((v) => v.id)).toEqual(['c', 'd']);
    const last = await second.getNextPage();
    expect(last.hasNextPage()).toBe(false);
    await expect(last.getNextPage()).rejects.toBeInstanceOf(FtmError);
  });

  it('iterates page by page', async () => {
    threePages([]);
    const first = await testClient().ftm.modelVersions.list();
    const sizes: number[] = [];
    for await (const page of first.iterPages()) sizes.push(page.data.length);
    expect(sizes).toEqual([2, 2, 2]);
  });

  it('stops early when the consumer breaks, fetching no further page', async () => {
    const seen: URLSearchParams[] = [];
    threePages(seen);
    for await (const v of testClient().ftm.modelVersions.list()) if (v.id === 'b') break;
    expect(seen).toHaveLength(1);
  });

  it('sends no request until the list is awaited or iterated', async () => {
    const seen: URLSearchParams[] = [];
    threePages(seen);
    const list = testClient().ftm.modelVersions.list();
    expect(seen).toHaveLength(0);
    await list;
    await list;
    expect(seen).toHaveLength(1);
  });

  it('starts at a cursor kept from an earlier page, then follows the next cursors with the same filters', async () => {
    const seen: URLSearchParams[] = [];
    threePages(seen);
    const resumed = await testClient().ftm.modelVersions.list({ status: 'candidate', cursor: 'c1' });
    expect(resumed.data.map((v) => v.id)).toEqual(['c', 'd']);
    const last = await resumed.getNextPage();
    expect(last.data.map((v) => v.id)).toEqual(['e', 'f']);
    expect(seen.map((q) => [q.get('cursor'), q.get('status')])).toEqual([
      ['c1', 'candidate'],
      ['c2', 'candidate'],
    ]);
  });
});
