import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind, type Tracer } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/adapters/fs/fs-blob-store.js';
import { LocalQueue } from '../../src/adapters/local-queue/local-queue.js';
import { runDatasetBuildJob } from '../../src/datasets/build-dataset-job.js';
import { createDataset } from '../../src/datasets/create-dataset.js';
import type { DatasetDeps } from '../../src/datasets/dataset-deps.js';
import { getDataset } from '../../src/datasets/get-dataset.js';
import { getDatasetContent } from '../../src/datasets/get-dataset-content.js';
import { rebuildDataset } from '../../src/datasets/rebuild-dataset.js';
import { otelSpanChatLines } from '../../src/datasets/otel-span-source.js';
import type { OtelSpanFilters } from '../../src/datasets/otel-span-source-config.js';
import { ingestOtlpTraces } from '../../src/genai-spans/ingest-otlp-traces.js';
import { LocalGovernanceEngine } from '../../src/governance/local-governance-engine.js';
import { ValidationError } from '../../src/shared/errors.js';
import { BuiltinSanitizer } from '../../src/sanitization/builtin-sanitizer.js';
import { storeAdapters, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext, type TestServiceContext } from '@ftm/test-support/fixtures';
import { recordGenAiTraffic } from '../genai-spans/support/genai-traffic.js';
import { otlpBodies, recordSpans } from '../genai-spans/support/otlp-bodies.js';

const CALLS = 6;

/** Two replies to the same prompt, scored by the app, and one corrected reply. */
function recordFeedback(tracer: Tracer): void {
  const chat = (reply: string, attributes: Record<string, string | number>) =>
    tracer
      .startSpan('chat gpt-4o-mini', {
        kind: SpanKind.CLIENT,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Summarise our refund policy.' }] }]),
          'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: reply }] }]),
          ...attributes,
        },
      })
      .end();
  chat('Refunds within 30 days, receipt required.', { 'app.feedback.score': 5 });
  chat('No idea.', { 'app.feedback.score': 1 });
  chat('Refunds, maybe.', { 'app.feedback.score': 4 });
  tracer
    .startSpan('chat gpt-4o-mini', {
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Opening hours?' }] }]),
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Always open.' }] }]),
        'app.feedback.correction': 'Open 9:00-17:00 on weekdays; write to help@example.com.',
      },
    })
    .end();
}

describe.each(storeAdapters)('otel_spans datasets on $name', ({ create }) => {
  let t: TestDatabase;
  let deps: DatasetDeps;
  let ctx: TestServiceContext;
  let root: string;

  const build = (id: string) => runDatasetBuildJob(deps, ctx, { tenant_id: ctx.tenantId, dataset_id: id }, { attempt: 1, maxAttempts: 3 });
  const read = async (id: string, split: 'train' | 'lineage' = 'train') => {
    const content = await getDatasetContent(deps, ctx, id, split);
    if (content.kind !== 'stream') throw new Error('expected a stream');
    const chunks: Buffer[] = [];
    for await (const c of content.body) chunks.push(Buffer.from(c as Buffer));
    return Buffer.concat(chunks)
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  };
  const spans = async (filters: OtelSpanFilters) => {
    const out: string[] = [];
    for await (const line of otelSpanChatLines(deps.db, { tenantId: ctx.tenantId, projectId: ctx.projectId, filters })) out.push(line.ref!.lineage.span_id!);
    return out;
  };

  beforeAll(async () => {
    t = await create();
    root = await mkdtemp(join(tmpdir(), 'ftm-otel-ds-'));
    deps = {
      db: t.database.db,
      blobs: new FsBlobStore({ root }),
      queue: new LocalQueue(t.database),
      governance: new LocalGovernanceEngine({ version: 1, default: 'allow', rules: [] }),
      traces: null,
      sanitizer: new BuiltinSanitizer(),
    };
    const seeded = await seedTenant(t.database);
    ctx = testContext({ tenantId: seeded.tenantId, projectId: seeded.projectId });
    const body = otlpBodies(
      await recordSpans((tracer) => {
        for (let n = 0; n < CALLS; n++) recordGenAiTraffic(tracer, n, { feedbackScore: n });
        recordFeedback(tracer);
      }),
    );
    await ingestOtlpTraces({ db: deps.db, sanitizer: deps.sanitizer }, ctx, { body: body.protobuf, encoding: 'protobuf' });
  });
  afterAll(async () => {
    await t?.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it('builds a ready chat dataset from the spans, tools and tool calls kept, PII redacted, with lineage to trace and span ids', async () => {
    const created = await createDataset(deps, ctx, {
      name: 'traffic',
      format: 'jsonl_chat',
      source: { type: 'otel_spans', filters: { models: ['gpt-4o-mini', 'claude-3-5-haiku', 'gpt-4.1-mini'] } },
      dedup: { near: false },
      min_examples: 1,
    });
    expect(created.source).toEqual({ type: 'otel_spans', upload_id: null, filters: { models: ['gpt-4o-mini', 'claude-3-5-haiku', 'gpt-4.1-mini'] }, inline_record_count: null });
    await build(created.id);
    const ready = await getDataset(deps.db, ctx, created.id);
    expect(ready.status).toBe('ready');
    // 3 inference spans per call, plus the 4 feedback spans; the two identical... none: every prompt differs.
    expect(ready.record_count).toBe(CALLS * 3 + 4);
    expect(ready.report!.sanitization.findings).toEqual({ email: CALLS + 1, phone: CALLS, us_ssn: CALLS });
    expect(ready.report!.sanitization.records_with_findings).toBe(CALLS * 2 + 1);
    const lines = await read(created.id);
    const text = JSON.stringify(lines);
    expect(text).not.toMatch(/jane\.doe\d@example\.com|219-09-9999|415 555 0132/);
    const weather = lines.find((l) => JSON.stringify(l).includes('get_weather'))!;
    expect(weather.tools).toHaveLength(1);
    expect((weather.messages as { tool_calls?: unknown[] }[])[2]!.tool_calls).toEqual([
      { id: expect.stringMatching(/^call_w\d$/), type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } },
    ]);
    const lineage = await read(created.id, 'lineage');
    expect(lineage).toHaveLength(ready.record_count!);
    expect(lineage[0]).toEqual({ split: 'train', line: 1, source_line: 1, trace_id: expect.stringMatching(/^[0-9a-f]{32}$/), span_id: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(ready.report!.lineage).toEqual({ records: ready.record_count, size_bytes: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // A rebuild reads the same spans into byte-identical files.
    const again = await rebuildDataset(deps, ctx, created.id);
    await build(again.id);
    expect((await getDataset(deps.db, ctx, again.id)).content_sha256).toBe(ready.content_sha256);
  });

  it('filters by model, provider, service, finish reason, operation, time and attributes', async () => {
    expect(await spans({ models: ['claude-3-5-haiku'] })).toHaveLength(CALLS);
    expect(await spans({ providers: ['anthropic'], finish_reasons: ['tool_calls'] })).toHaveLength(CALLS);
    expect(await spans({ providers: ['anthropic'], finish_reasons: ['stop'] })).toHaveLength(0);
    expect(await spans({ service_names: ['checkout'], operations: ['chat'] })).toHaveLength(CALLS * 3 + 4);
    expect(await spans({ service_names: ['billing'] })).toHaveLength(0);
    expect(await spans({ attributes: [{ key: 'app.feedback.score', op: 'gte', value: 4 }] })).toHaveLength(2 + 2);
    expect(await spans({ attributes: [{ key: 'app.feedback.score', op: 'in', value: [0, 1] }] })).toHaveLength(2 + 1);
    expect(
      await spans({
        attributes: [
          { key: 'app.user.tier', op: 'eq', value: 'pro' },
          { key: 'app.feedback.score', op: 'lt', value: 2 },
        ],
      }),
    ).toHaveLength(2);
    expect(await spans({ attributes: [{ key: 'app.feedback.correction', op: 'exists' }] })).toHaveLength(1);
    expect(await spans({ attributes: [{ key: 'gen_ai.response.finish_reasons', op: 'in', value: ['stop'] }] })).toHaveLength(CALLS);
    expect(await spans({ until: '2000-01-01T00:00:00Z' })).toHaveLength(0);
    expect(await spans({ since: '2000-01-01T00:00:00Z', max_records: 5 })).toHaveLength(5);
  });

  it('samples the same spans every time, about the share asked', async () => {
    const all = await spans({});
    const half = await spans({ sample_rate: 0.5 });
    expect(half).toEqual(await spans({ sample_rate: 0.5 }));
    expect(half.length).toBeGreaterThan(0);
    expect(half.length).toBeLessThan(all.length);
    expect(half.every((id) => all.includes(id))).toBe(true);
  });

  it('builds preference pairs from a correction and from two scored replies to one prompt', async () => {
    const created = await createDataset(deps, ctx, {
      name: 'prefs',
      format: 'jsonl_preference',
      source: { type: 'otel_spans', filters: { models: ['gpt-4o-mini'] }, preference: { score_attribute: 'app.feedback.score', correction_attribute: 'app.feedback.correction', min_score_gap: 2 } },
      min_examples: 1,
    });
    await build(created.id);
    const ready = await getDataset(deps.db, ctx, created.id);
    expect(ready.status).toBe('ready');
    expect(ready.source.preference).toEqual({ score_attribute: 'app.feedback.score', correction_attribute: 'app.feedback.correction', min_score_gap: 2 });
    const lines = await read(created.id);
    expect(lines).toContainEqual({
      input: { messages: [{ role: 'user', content: 'Opening hours?' }] },
      preferred_output: [{ role: 'assistant', content: 'Open 9:00-17:00 on weekdays; write to [EMAIL].' }],
      non_preferred_output: [{ role: 'assistant', content: 'Always open.' }],
    });
    expect(lines).toContainEqual({
      input: { messages: [{ role: 'user', content: 'Summarise our refund policy.' }] },
      preferred_output: [{ role: 'assistant', content: 'Refunds within 30 days, receipt required.' }],
      non_preferred_output: [{ role: 'assistant', content: 'No idea.' }],
    });
    // The weather spans share no prompt (each mentions its trip), so they pair with nothing.
    expect(lines).toHaveLength(2);
    const lineage = await read(created.id, 'lineage');
    expect(lineage.map((l) => l.kind).sort()).toEqual(['correction', 'scores']);
    expect(lineage.find((l) => l.kind === 'scores')).toMatchObject({ non_preferred_span_id: expect.stringMatching(/^[0-9a-f]{16}$/) });
  });

  it('drops records with findings redacted at ingestion when the policy says so', async () => {
    const created = await createDataset(deps, ctx, {
      name: 'strict',
      format: 'jsonl_chat',
      source: { type: 'otel_spans', filters: { models: ['gpt-4o-mini', 'claude-3-5-haiku'] } },
      sanitization: { policy: 'drop_record' },
      min_examples: 1,
    });
    await build(created.id);
    const ready = await getDataset(deps.db, ctx, created.id);
    expect(ready.report!.sanitization).toMatchObject({ records_dropped: CALLS * 2 + 1, records_with_findings: CALLS * 2 + 1 });
    expect(ready.record_count).toBe(3);
    const blocked = await createDataset(deps, ctx, { name: 'block', format: 'jsonl_chat', source: { type: 'otel_spans', filters: {} }, sanitization: { policy: 'block' }, min_examples: 1 });
    await build(blocked.id);
    expect((await getDataset(deps.db, ctx, blocked.id)).status).toBe('blocked');
  });

  it('refuses formats and options the source cannot make', async () => {
    await expect(createDataset(deps, ctx, { name: 'x', format: 'jsonl_prompt_completion', source: { type: 'otel_spans' } })).rejects.toThrow(ValidationError);
    await expect(createDataset(deps, ctx, { name: 'x', format: 'jsonl_preference', source: { type: 'otel_spans' } })).rejects.toThrow(ValidationError);
    await expect(createDataset(deps, ctx, { name: 'x', format: 'jsonl_chat', source: { type: 'otel_spans', preference: { score_attribute: 's' } } })).rejects.toThrow(ValidationError);
    await expect(createDataset(deps, ctx, { name: 'x', format: 'jsonl_chat', source: { type: 'otel_spans', filters: { attributes: [{ key: 's', op: 'gte', value: 'high' }] } } })).rejects.toThrow(
      ValidationError,
    );
    await expect(createDataset(deps, ctx, { name: 'x', format: 'jsonl_chat', source: { type: 'otel_spans', filters: { sample_rate: 0 } } })).rejects.toThrow(ValidationError);
  });
});
