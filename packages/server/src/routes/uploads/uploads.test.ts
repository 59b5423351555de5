import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '@ftm/core';
import { createTestApp, type TestApp } from '@ftm/test-support/server-app';

const line = (i: number) =>
  JSON.stringify({
    messages: [
      { role: 'user', content: `q${i}` },
      { role: 'assistant', content: `a${i}` },
    ],
  }) + '\n';
const ndjson = { 'content-type': 'application/x-ndjson' };

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

async function uploadCount(): Promise<number> {
  const row = await t.ftm.database.db
    .selectFrom('uploads')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('POST /uploads', () => {
  it('streams the body to storage and answers its size and SHA-256, then serves it by id', async () => {
    const body = Array.from({ length: 50 }, (_, i) => line(i)).join('');
    const res = await t.request(t.a.memberKey, { method: 'POST', url: '/uploads', payload: body, headers: ndjson });
    expect(res.statusCode).toBe(201);
    const upload = res.json();
    expect(upload).toMatchObject({ size_bytes: Buffer.byteLength(body), sha256: createHash('sha256').update(body).digest('hex') });
    expect(res.headers.location).toBe(`/uploads/${upload.id}`);
    const chunks: Buffer[] = [];
    for await (const chunk of await t.ftm.blobs.get(`uploads/${t.a.tenantId}/${upload.id}.jsonl`)) chunks.push(Buffer.from(chunk));
    const stored = Buffer.concat(chunks);
    expect(stored.toString()).toBe(body);
    const got = await t.request(t.a.memberKey, { url: `/uploads/${upload.id}` });
    expect(got.json()).toEqual(upload);
  });

  it('accepts application/jsonl and text/plain bodies too', async () => {
    for (const type of ['application/jsonl', 'text/plain; charset=utf-8']) {
      const res = await t.request(t.a.memberKey, { method: 'POST', url: '/uploads', payload: line(1), headers: { 'content-type': type } });
      expect(res.statusCode).toBe(201);
    }
  });

  it('refuses a declared Content-Length over 512 MB with 413 before reading the body', async () => {
    const before = await uploadCount();
    const res = await t.request(t.a.memberKey, { method: 'POST', url: '/uploads', payload: line(1), headers: { ...ndjson, 'content-length': String(512 * 1024 * 1024 + 1) } });
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 413, code: 'payload_too_large' });
    expect(await uploadCount()).toBe(before);
  });

  it('refuses binary, non-UTF-8 and empty bodies with 400 and stores nothing', async () => {
    const before = await uploadCount();
    for (const payload of [Buffer.from([0x7b, 0x00, 0x7d, 0x0a]), Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]), Buffer.alloc(0)]) {
      const res = await t.request(t.a.memberKey, { method: 'POST', url: '/uploads', payload, headers: ndjson });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ status: 400, code: 'validation_failed' });
    }
    expect(await uploadCount()).toBe(before);
  });

  it('refuses a body that is not JSONL text by media type with a 400 naming the accepted types', async () => {
    const res = await t.request(t.a.memberKey, { method: 'POST', url: '/uploads', payload: line(1), headers: { 'content-type': 'application/octet-stream' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({ path: 'Content-Type' });
  });

  it('replays the stored upload for a retry with the same Idempotency-Key', async () => {
    const key = uuidv7();
    const first = await t.request(t.a.memberKey, { method: 'POST', url: '/uploads', payload: line(7), headers: { ...ndjson, 'idempotency-key': key } });
    const again = await t.request(t.a.memberKey, { method: 'POST', url: '/uploads', payload: line(7), headers: { ...ndjson, 'idempotency-key': key } });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
  });

  it("hides another tenant's upload behind a 404", async () => {
    const mine = (await t.request(t.a.memberKey, { method: 'POST', url: '/uploads', payload: line(3), headers: ndjson })).json();
    const res = await t.request(t.b.memberKey, { url: `/uploads/${mine.id}` });
    expect(res.statusCode).toBe(404);
  });
});
