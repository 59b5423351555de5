import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { ProtobufReader } from '@ftm/core';
import { recordGenAiTraffic, TRAFFIC_PER_CALL } from '../../../../core/test/genai-spans/support/genai-traffic.js';
import { otlpBodies, recordSpans } from '../../../../core/test/genai-spans/support/otlp-bodies.js';
import { createTestApp, type TestApp } from '@ftm/test-support/server-app';

const LIMIT = 256 * 1024;

/** Reads a protobuf google.rpc.Status: code and message. */
function protobufStatus(body: Buffer): { code: number; message: string } {
  const r = new ProtobufReader(body);
  let code = 0;
  let message = '';
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1) code = r.uint32();
    else if (field === 2) message = r.string();
    else r.skip(wire);
  }
  return { code, message };
}

describe('POST /otlp/v1/traces', () => {
  let t: TestApp;
  let bodies: { protobuf: Buffer; json: Buffer };
  const post = (key: string | null, body: Buffer | string, headers: Record<string, string>) =>
    t.app.inject({ method: 'POST', url: '/otlp/v1/traces', payload: body, headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers } });
  const spansOf = (tenantId: string) => t.ftm.database.db.selectFrom('genai_spans').selectAll().where('tenant_id', '=', tenantId).execute();

  beforeAll(async () => {
    t = await createTestApp({ config: { otlp: { pathPrefix: '/otlp', maxBodyBytes: LIMIT } } });
    bodies = otlpBodies(await recordSpans((tracer) => recordGenAiTraffic(tracer, 3)));
  });
  afterAll(async () => t?.close());

  it('takes a protobuf export, stores its GenAI spans under the key project and answers a partial success in protobuf', async () => {
    const res = await post(t.a.scopedKey, bodies.protobuf, { 'content-type': 'application/x-protobuf' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-protobuf');
    expect(ProtobufTraceSerializer.deserializeResponse(new Uint8Array(res.rawPayload))).toEqual({
      partialSuccess: { rejectedSpans: TRAFFIC_PER_CALL.rejected, errorMessage: expect.stringContaining('carried no messages') },
    });
    const spans = await spansOf(t.a.tenantId);
    expect(spans).toHaveLength(TRAFFIC_PER_CALL.stored);
    expect(spans.every((s) => s.project_id === t.a.projectId)).toBe(true);
  });

  it('takes a gzip JSON export and answers in JSON; a repeat stores nothing twice', async () => {
    const res = await post(t.b.memberKey, gzipSync(bodies.json), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect([res.statusCode, res.headers['content-type']]).toEqual([200, 'application/json']);
    expect(res.json()).toEqual({ partialSuccess: { rejectedSpans: String(TRAFFIC_PER_CALL.rejected), errorMessage: expect.any(String) } });
    await post(t.b.memberKey, bodies.json, { 'content-type': 'application/json; charset=utf-8' });
    const spans = await spansOf(t.b.tenantId);
    expect(spans).toHaveLength(TRAFFIC_PER_CALL.stored);
    expect(spans.every((s) => s.project_id === null)).toBe(true);
  });

  it('answers an empty export with an empty success', async () => {
    const json = await post(t.a.memberKey, '{}', { 'content-type': 'application/json' });
    expect([json.statusCode, json.body]).toEqual([200, '{}']);
    const proto = await post(t.a.memberKey, Buffer.alloc(0), { 'content-type': 'application/x-protobuf' });
    expect([proto.statusCode, proto.rawPayload.length]).toEqual([200, 0]);
  });

  it('answers bad data with 400 and a google.rpc.Status naming the field, in the request encoding', async () => {
    const json = await post(t.a.memberKey, JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 7 }] }] }] }), { 'content-type': 'application/json' });
    expect(json.statusCode).toBe(400);
    expect(json.json()).toEqual({
      code: 3,
      message: expect.stringContaining('traceId'),
      details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'resourceSpans[0].scopeSpans[0].spans[0].traceId', description: expect.any(String) }] }],
    });
    expect((await post(t.a.memberKey, '{"resourceSpans": [', { 'content-type': 'application/json' })).statusCode).toBe(400);
    const proto = await post(t.a.memberKey, bodies.protobuf.subarray(0, 40), { 'content-type': 'application/x-protobuf' });
    expect([proto.statusCode, proto.headers['content-type']]).toEqual([400, 'application/x-protobuf']);
    expect(protobufStatus(proto.rawPayload)).toEqual({ code: 3, message: expect.stringContaining('not a valid ExportTraceServiceRequest') });
    const gzip = await post(t.a.memberKey, Buffer.from('not gzip'), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect([gzip.statusCode, gzip.json().message]).toEqual([400, 'the body is not valid gzip']);
  });

  it('refuses JSON nested deeper than the edge allows with 400, as every other route does', async () => {
    const deep = `{"resourceSpans":[{"unknownField":${'['.repeat(5000)}${']'.repeat(5000)}}]}`;
    const res = await post(t.a.memberKey, deep, { 'content-type': 'application/json' });
    expect([res.statusCode, res.json().message]).toEqual([400, expect.stringContaining('nests deeper than 64 levels')]);
  });

  it('refuses a request without a valid key with 401 and a Status body', async () => {
    const res = await post(null, bodies.json, { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ code: 16, message: expect.any(String) });
    expect((await post('ftm_sk_nope', bodies.protobuf, { 'content-type': 'application/x-protobuf' })).statusCode).toBe(401);
  });

  it('answers 413 past the limit, compressed or once decompressed', async () => {
    const big = Buffer.alloc(LIMIT + 1, 0x20);
    expect((await post(t.a.memberKey, big, { 'content-type': 'application/json' })).statusCode).toBe(413);
    const bomb = gzipSync(Buffer.alloc(LIMIT * 8, 0x20));
    expect(bomb.length).toBeLessThan(LIMIT);
    const res = await post(t.a.memberKey, bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect([res.statusCode, res.json().code]).toEqual([413, 8]);
  });

  it('answers 415 to another media type or content encoding', async () => {
    expect((await post(t.a.memberKey, 'x', { 'content-type': 'text/plain' })).statusCode).toBe(415);
    expect((await post(t.a.memberKey, bodies.json, { 'content-type': 'application/json', 'content-encoding': 'br' })).statusCode).toBe(415);
  });

  it('needs no Idempotency-Key', async () => {
    const res = await post(t.a.memberKey, '{}', { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(200);
  });
});
