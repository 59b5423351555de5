import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestOtlpTraces, type GenAiSpanDeps } from '../../src/genai-spans/ingest-otlp-traces.js';
import { OtlpDecodeError } from '../../src/genai-spans/otlp/otlp-span.js';
import { purgeExpiredGenAiSpans } from '../../src/genai-spans/purge-expired-genai-spans.js';
import { ManualClock } from '../../src/shared/clock.js';
import { DependencyUnavailableError } from '../../src/shared/errors.js';
import { BuiltinSanitizer } from '../../src/sanitization/builtin-sanitizer.js';
import type { Sanitizer } from '../../src/sanitization/sanitizer.js';
import { storeAdapters, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext, type TestServiceContext } from '@ftm/test-support/fixtures';
import { recordGenAiTraffic, TRAFFIC_PER_CALL } from './support/genai-traffic.js';
import { otlpBodies, recordSpans } from './support/otlp-bodies.js';

describe.each(storeAdapters)('OTLP span ingestion on $name', ({ create }) => {
  let t: TestDatabase;
  let deps: GenAiSpanDeps;
  let ctx: TestServiceContext;
  let bodies: { protobuf: Buffer; json: Buffer };

  beforeAll(async () => {
    t = await create();
    deps = { db: t.database.db, sanitizer: new BuiltinSanitizer() };
    const seeded = await seedTenant(t.database);
    ctx = testContext({ tenantId: seeded.tenantId, projectId: seeded.projectId, clock: new ManualClock(new Date('2026-12-07T12:00:00Z')) });
    bodies = otlpBodies(await recordSpans((tracer) => recordGenAiTraffic(tracer, 1, { feedbackScore: 5 })));
  });
  afterAll(async () => t?.dispose());

  const rows = () => t.database.db.selectFrom('genai_spans').selectAll().where('tenant_id', '=', ctx.tenantId).orderBy('request_model').execute();

  it('stores the inference spans of a request, sanitized, under the key project, and reports what it refused', async () => {
    const result = await ingestOtlpTraces(deps, ctx, { body: bodies.protobuf, encoding: 'protobuf' });
    expect(result).toEqual({
      received: TRAFFIC_PER_CALL.spans,
      stored: TRAFFIC_PER_CALL.stored,
      dropped: TRAFFIC_PER_CALL.dropped,
      rejectedSpans: TRAFFIC_PER_CALL.rejected,
      errorMessage: expect.stringContaining('1 span carried no messages (turn on content capture'),
    });
    const stored = await rows();
    expect(stored.map((r) => r.request_model)).toEqual(['claude-3-5-haiku', 'gpt-4.1-mini', 'gpt-4o-mini']);
    expect(stored.every((r) => r.project_id === ctx.projectId && r.service_name === 'checkout')).toBe(true);
    const text = stored.map((r) => r.example).join('\n');
    expect(text).not.toMatch(/jane\.doe1@example\.com|219-09-9999|415 555 0132/);
    expect(text).toContain('[EMAIL]');
    expect(stored.find((r) => r.request_model === 'gpt-4o-mini')!.findings).toEqual({ email: 1, us_ssn: 1 });
    expect(stored.find((r) => r.request_model === 'claude-3-5-haiku')!.findings).toEqual({ phone: 1 });
    expect(stored.find((r) => r.request_model === 'gpt-4o-mini')!).toMatchObject({
      finish_reasons: ['stop'],
      input_tokens: 121,
      output_tokens: 30,
      provider: 'openai',
      attributes: expect.objectContaining({ 'app.feedback.score': 5 }),
    });
  });

  it('stores a retried request once (the JSON encoding of the same spans too)', async () => {
    await ingestOtlpTraces(deps, ctx, { body: bodies.protobuf, encoding: 'protobuf' });
    const again = await ingestOtlpTraces(deps, ctx, { body: bodies.json, encoding: 'json' });
    expect(again.stored).toBe(TRAFFIC_PER_CALL.stored);
    expect(await rows()).toHaveLength(TRAFFIC_PER_CALL.stored);
  });

  it('gives answering spans of the same prompt the same prompt digest, whatever the reply', async () => {
    const same = otlpBodies(
      await recordSpans((tracer) => {
        for (const reply of ['Short answer.', 'A longer, better answer.']) {
          tracer
            .startSpan('chat', {
              attributes: {
                'gen_ai.operation.name': 'chat',
                'gen_ai.request.model': 'digest-model',
                'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"Same prompt, mail x@y.io"}]}]',
                'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: reply }] }]),
              },
            })
            .end();
        }
      }),
    );
    await ingestOtlpTraces(deps, ctx, { body: same.json, encoding: 'json' });
    const digests = (await rows()).filter((r) => r.request_model === 'digest-model').map((r) => r.prompt_sha256);
    expect(digests).toHaveLength(2);
    expect(digests[0]).toBe(digests[1]);
  });

  it('refuses an undecodable body and stores nothing', async () => {
    const before = (await rows()).length;
    await expect(ingestOtlpTraces(deps, ctx, { body: Buffer.from('{"resourceSpans":'), encoding: 'json' })).rejects.toThrow(OtlpDecodeError);
    await expect(ingestOtlpTraces(deps, ctx, { body: bodies.json, encoding: 'protobuf' })).rejects.toThrow(OtlpDecodeError);
    expect(await rows()).toHaveLength(before);
  });

  it('stores nothing when the sanitizer is unavailable', async () => {
    const other = await seedTenant(t.database);
    const down: Sanitizer = { name: 'trism', sanitize: async () => Promise.reject(new DependencyUnavailableError('trism')), scan: async () => Promise.reject(new Error('down')) };
    await expect(ingestOtlpTraces({ ...deps, sanitizer: down }, testContext({ tenantId: other.tenantId }), { body: bodies.protobuf, encoding: 'protobuf' })).rejects.toThrow(
      DependencyUnavailableError,
    );
    expect(await t.database.db.selectFrom('genai_spans').select('span_id').where('tenant_id', '=', other.tenantId).execute()).toEqual([]);
  });

  it('purges spans received before the retention cut-off, in batches', async () => {
    const count = (await rows()).length;
    expect(await purgeExpiredGenAiSpans(t.database.db, { receivedBefore: new Date('2026-12-07T11:00:00Z') })).toBe(0);
    expect(await purgeExpiredGenAiSpans(t.database.db, { receivedBefore: new Date('2026-12-07T13:00:00Z'), batchSize: 2 })).toBeGreaterThanOrEqual(count);
    expect(await rows()).toEqual([]);
  });
});
