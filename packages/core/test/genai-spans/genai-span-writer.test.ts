import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GenAiSpanWriter, type GenAiSpanRow } from '../../src/genai-spans/genai-span-writer.js';
import { uuidv7 } from '../../src/shared/ids.js';
import { storeAdapters, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant } from '@ftm/test-support/fixtures';

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

describe.each(storeAdapters)('GenAiSpanWriter on $name', ({ create }) => {
  let t: TestDatabase;
  let tenantId: string;
  let projectId: string;
  let statements = 0;
  let next = 0;
  const counting: KyselyPlugin = {
    transformQuery: (args) => {
      statements += 1;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  const rows = (count: number, project: string | null = projectId): GenAiSpanRow[] =>
    Array.from({ length: count }, () => {
      next += 1;
      return {
        tenant_id: tenantId,
        trace_id: hex(next, 32),
        span_id: hex(next, 16),
        project_id: project,
        parent_span_id: null,
        service_name: 'checkout',
        operation: 'chat',
        provider: 'openai',
        request_model: 'gpt-4o-mini',
        response_model: null,
        finish_reasons: ['stop'],
        input_tokens: 12,
        output_tokens: 3,
        start_time: new Date(1_700_000_000_000 + next).toISOString(),
        end_time: null,
        status_code: 0,
        example: JSON.stringify({
          messages: [
            { role: 'user', content: `q${next}` },
            { role: 'assistant', content: 'a' },
          ],
        }),
        prompt_sha256: hex(next, 64),
        attributes: { 'app.score': next, 'app.tags': ['a', 'b'] },
        findings: {},
        received_at: new Date().toISOString(),
      };
    });
  const stored = async () =>
    Number(
      (
        await t.database.db
          .selectFrom('genai_spans')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    t = await create();
    ({ tenantId, projectId } = await seedTenant(t.database));
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('shares inserts between concurrent writes and answers each once its rows are stored, a retried span kept once', async () => {
    const writer = new GenAiSpanWriter(t.database.db.withPlugin(counting), { maxInFlight: 1 });
    const batches = Array.from({ length: 10 }, () => rows(50));
    statements = 0;
    await Promise.all(batches.map((b) => writer.write(b)));
    // The first write goes alone; the nine queued behind it share the next insert.
    expect(statements).toBe(2);
    expect(await stored()).toBe(500);
    await writer.write([...batches[0]!, ...batches[0]!.slice(0, 5)]);
    expect(await stored()).toBe(500);
    const row = await t.database.db.selectFrom('genai_spans').selectAll().where('span_id', '=', batches[3]![7]!.span_id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ finish_reasons: ['stop'], attributes: batches[3]![7]!.attributes, input_tokens: 12, project_id: projectId });
  });

  it('fails only the write whose rows cannot be stored', async () => {
    const writer = new GenAiSpanWriter(t.database.db, { maxInFlight: 1 });
    const before = await stored();
    const results = await Promise.allSettled([writer.write(rows(3)), writer.write(rows(3)), writer.write(rows(2, uuidv7())), writer.write(rows(3))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(await stored()).toBe(before + 9);
  });
});
