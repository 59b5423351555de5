import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFtm, S3BlobStore, uuidv7 } from '@ftm/core';
import { testContext } from '@ftm/test-support/fixtures';
import { startS3Server, type TestS3Server } from '@ftm/test-support/s3-server';
import { buildApp } from '../../app.js';
import { createLogger } from '../../http/logger.js';
import { createTestApp, type TestApp } from '@ftm/test-support/server-app';

const example = (i: number) => ({
  messages: [
    { role: 'user', content: `What is ${i} + ${i}?` },
    { role: 'assistant', content: `${i} + ${i} = ${2 * i}.` },
  ],
});
const records = Array.from({ length: 30 }, (_, i) => example(i));

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

async function build(tenantId: string, datasetId: string): Promise<void> {
  await t.ftm.datasets.runBuildJob({ tenant_id: tenantId, dataset_id: datasetId }, { attempt: 1, maxAttempts: 1 });
}

describe('datasets over HTTP', () => {
  it('creates a queued dataset, and after its build serves the report and the file with its SHA-256 as ETag', async () => {
    const created = await t.request(t.a.memberKey, { method: 'POST', url: '/datasets', payload: { name: 'sums', format: 'jsonl_chat', source: { type: 'inline', records } } });
    expect(created.statusCode).toBe(201);
    const dataset = created.json();
    expect(dataset).toMatchObject({ status: 'queued', version: 1, source: { type: 'inline', inline_record_count: 30 } });
    expect(created.headers.location).toBe(`/datasets/${dataset.id}`);

    await build(t.a.tenantId, dataset.id);
    const ready = (await t.request(t.a.memberKey, { url: `/datasets/${dataset.id}` })).json();
    expect(ready).toMatchObject({ status: 'ready', sanitized: true, record_count: 30, report: { records_read: 30, records_written: 30 } });

    const content = await t.request(t.a.memberKey, { url: `/datasets/${dataset.id}/content` });
    expect(content.statusCode).toBe(200);
    expect(content.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(content.headers.etag).toBe(`"${ready.content_sha256}"`);
    expect(createHash('sha256').update(content.rawPayload).digest('hex')).toBe(ready.content_sha256);
    expect(
      content.body
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual(records);
  });

  it('answers 409 for the content of a dataset that is not ready', async () => {
    const dataset = (await t.request(t.a.memberKey, { method: 'POST', url: '/datasets', payload: { name: 'wait', format: 'jsonl_chat', source: { type: 'inline', records } } })).json();
    const res = await t.request(t.a.memberKey, { url: `/datasets/${dataset.id}/content` });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'dataset_not_ready' });
  });

  it('rebuilds as a new version with the same config hash, listed under the same group', async () => {
    const first = (await t.request(t.a.memberKey, { method: 'POST', url: '/datasets', payload: { name: 'again', format: 'jsonl_chat', source: { type: 'inline', records } } })).json();
    const res = await t.request(t.a.memberKey, { method: 'POST', url: `/datasets/${first.id}/rebuild` });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ version: 2, parent_dataset_id: first.id, config_hash: first.config_hash, dataset_group_id: first.id });
    const list = (await t.request(t.a.memberKey, { url: `/datasets?dataset_group_id=${first.id}` })).json();
    expect(list.data.map((d: { version: number }) => d.version)).toEqual([2, 1]);
  });

  it('refuses inline records over 10 MB with 413 problem+json', async () => {
    const big = Array.from({ length: 11 }, () => ({ prompt: 'x'.repeat(1024 * 1024 - 20), completion: 'y' }));
    const res = await t.request(t.a.memberKey, { method: 'POST', url: '/datasets', payload: { name: 'big', format: 'jsonl_prompt_completion', source: { type: 'inline', records: big } } });
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('accepts inline records just under 10 MB, above the default 1 MB body limit', async () => {
    const many = Array.from({ length: 9 }, (_, i) => ({ prompt: `${i} ${'x'.repeat(1024 * 1024)}`, completion: 'y' }));
    const res = await t.request(t.a.memberKey, { method: 'POST', url: '/datasets', payload: { name: 'nine', format: 'jsonl_prompt_completion', source: { type: 'inline', records: many } } });
    expect(res.statusCode).toBe(201);
  });

  it('answers an unknown upload or a trace source without an Orchestrator with 4xx, never 5xx', async () => {
    const unknown = await t.request(t.a.memberKey, {
      method: 'POST',
      url: '/datasets',
      payload: { name: 'u', format: 'jsonl_chat', source: { type: 'upload', upload_id: '0190a0a0-0000-7000-8000-000000000000' } },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0]).toMatchObject({ path: 'source.upload_id' });
    const traces = await t.request(t.a.memberKey, { method: 'POST', url: '/datasets', payload: { name: 't', format: 'jsonl_chat', source: { type: 'orchestrator_traces', filters: {} } } });
    expect(traces.statusCode).toBe(409);
    expect(traces.json()).toMatchObject({ code: 'orchestrator_not_configured' });
  });

  it('builds an uploaded file end to end: upload, create, build, download', async () => {
    const body = records.map((r) => JSON.stringify(r)).join('\n') + '\nnot json\n';
    const upload = (await t.request(t.a.memberKey, { method: 'POST', url: '/uploads', payload: body, headers: { 'content-type': 'application/x-ndjson' } })).json();
    const dataset = (await t.request(t.a.memberKey, { method: 'POST', url: '/datasets', payload: { name: 'up', format: 'jsonl_chat', source: { type: 'upload', upload_id: upload.id } } })).json();
    await build(t.a.tenantId, dataset.id);
    const ready = (await t.request(t.a.memberKey, { url: `/datasets/${dataset.id}` })).json();
    expect(ready).toMatchObject({ status: 'ready', record_count: 30, report: { validation: { invalid: 1, by_reason: { invalid_json: { count: 1, sample_lines: [31] } } } } });
  });
});

describe('dataset content on S3', () => {
  let s3: TestS3Server;
  afterAll(async () => s3?.close());

  it('redirects to a presigned URL that serves the built file', async () => {
    s3 = await startS3Server();
    const blobs = new S3BlobStore({ bucket: s3.bucket, region: s3.region, endpoint: s3.endpoint, credentials: s3.credentials });
    // The same database and queue as the other tests, with blobs on S3.
    const ftm = createFtm({ database: t.ftm.database, blobs, queue: t.ftm.queue });
    const app = await buildApp({ config: { corsOrigins: [], bodyLimitBytes: 1024 * 1024 }, ftm, logger: createLogger({ level: 'silent' }) });
    try {
      const headers = { authorization: `Bearer ${t.a.memberKey}`, 'idempotency-key': uuidv7() };
      const dataset = (await app.inject({ method: 'POST', url: '/datasets', headers, payload: { name: 's3', format: 'jsonl_chat', source: { type: 'inline', records } } })).json();
      await ftm.datasets.runBuildJob({ tenant_id: t.a.tenantId, dataset_id: dataset.id }, { attempt: 1, maxAttempts: 1 });
      const res = await app.inject({ url: `/datasets/${dataset.id}/content`, headers: { authorization: headers.authorization } });
      expect(res.statusCode).toBe(302);
      const file = Buffer.from(await (await fetch(res.headers.location!)).arrayBuffer());
      const ready = await ftm.datasets.getDataset(testContext({ tenantId: t.a.tenantId }), dataset.id);
      expect(createHash('sha256').update(file).digest('hex')).toBe(ready.content_sha256);
    } finally {
      await app.close();
      await blobs.close();
    }
  });
});
