import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/adapters/fs/fs-blob-store.js';
import { LocalQueue } from '../../src/adapters/local-queue/local-queue.js';
import { runDatasetBuildJob } from '../../src/datasets/build-dataset-job.js';
import { createDataset } from '../../src/datasets/create-dataset.js';
import type { DatasetDeps } from '../../src/datasets/dataset-deps.js';
import { getDataset } from '../../src/datasets/get-dataset.js';
import { getDatasetContent } from '../../src/datasets/get-dataset-content.js';
import { LocalGovernanceEngine } from '../../src/governance/local-governance-engine.js';
import { LangfuseClient, findLangfuseConnection } from '../../src/langfuse/index.js';
import { setLangfuseCredential } from '../../src/langfuse/set-langfuse-credential.js';
import { EncryptedSecretStore } from '../../src/secrets/encrypted-secret-store.js';
import { SecretKeyring, generateSecretsKey } from '../../src/secrets/secret-keyring.js';
import { ConflictError, DependencyUnavailableError, ValidationError } from '../../src/shared/errors.js';
import { BuiltinSanitizer } from '../../src/sanitization/builtin-sanitizer.js';
import { storeAdapters, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext, type TestServiceContext } from '@ftm/test-support/fixtures';
import { startLangfuseStub, type LangfuseStub, type StubGeneration, type StubScore } from '../langfuse/support/langfuse-stub.js';

const PROJECT = 'lf-project-1';

function generation(n: number, input: unknown, output: unknown, over: Partial<StubGeneration> = {}): StubGeneration {
  return {
    id: `obs-${n}`,
    traceId: `trace-${n}`,
    startTime: `2026-11-01T10:0${n}:00.000Z`,
    endTime: `2026-11-01T10:0${n}:01.000Z`,
    projectId: PROJECT,
    parentObservationId: null,
    type: 'GENERATION',
    name: 'chat',
    level: 'DEFAULT',
    environment: 'production',
    userId: `user-${n % 2}`,
    sessionId: null,
    // The v2 list returns input and output as raw strings.
    input: typeof input === 'string' ? input : JSON.stringify(input),
    output: typeof output === 'string' ? output : JSON.stringify(output),
    metadata: null,
    providedModelName: 'gpt-4o-mini',
    modelId: null,
    inputPrice: null,
    outputPrice: null,
    totalPrice: null,
    tags: ['support'],
    traceName: 'support-chat',
    ...over,
  };
}

const numeric = (id: string, name: string, value: number, subject: StubScore['subject']): StubScore => ({
  id,
  projectId: PROJECT,
  name,
  dataType: 'NUMERIC',
  value,
  source: 'API',
  timestamp: '2026-11-01T11:00:00.000Z',
  environment: 'production',
  createdAt: '2026-11-01T11:00:00.000Z',
  updatedAt: '2026-11-01T11:00:00.000Z',
  subject,
});

const REFUND = 'Summarise our refund policy.';
const GENERATIONS: StubGeneration[] = [
  generation(
    1,
    [
      { role: 'system', content: 'You are support.' },
      { role: 'user', content: 'My email is jane.doe@example.com, reset my password.' },
    ],
    { role: 'assistant', content: 'I sent a reset link.' },
  ),
  generation(
    2,
    {
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } }],
    },
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }] },
  ),
  generation(3, REFUND, 'Refunds within 30 days, receipt required.'),
  generation(4, REFUND, 'No idea.'),
  generation(5, [{ role: 'user', content: 'Unscored question?' }], 'Unscored answer.'),
  generation(6, [{ role: 'user', content: 'Staging question?' }], 'Staging answer.', { environment: 'staging' }),
  generation(7, [{ role: 'user', content: 'Opening hours?' }], { role: 'assistant', content: 'Always open.' }),
  generation(8, 'A span, not a generation', 'x', { type: 'SPAN' }),
];
const SCORES: StubScore[] = [
  numeric('s1', 'user-feedback', 1, { kind: 'observation', id: 'obs-1', traceId: 'trace-1' }),
  // Feedback on the trace counts for its generations.
  numeric('s2', 'user-feedback', 0.9, { kind: 'trace', id: 'trace-2' }),
  numeric('s3', 'user-feedback', 1, { kind: 'observation', id: 'obs-3', traceId: 'trace-3' }),
  numeric('s4', 'user-feedback', 0, { kind: 'observation', id: 'obs-4', traceId: 'trace-4' }),
  numeric('s7', 'user-feedback', 0.8, { kind: 'observation', id: 'obs-7', traceId: 'trace-7' }),
  { ...numeric('s7c', 'correction', 0, { kind: 'observation', id: 'obs-7', traceId: 'trace-7' }), dataType: 'CORRECTION', value: 'Open 9:00-17:00 on weekdays; write to help@example.com.' },
  numeric('s9', 'other-score', 1, { kind: 'observation', id: 'obs-5', traceId: 'trace-5' }),
];
const FILTERS = { names: ['chat'], tags: ['support'], environments: ['production'] };

describe.each(storeAdapters)('langfuse datasets on $name', ({ create }) => {
  let t: TestDatabase;
  let deps: DatasetDeps;
  let ctx: TestServiceContext;
  let root: string;
  let stub: LangfuseStub;

  const build = (id: string, attempt = 1) => runDatasetBuildJob(deps, ctx, { tenant_id: ctx.tenantId, dataset_id: id }, { attempt, maxAttempts: 3 });
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

  beforeAll(async () => {
    t = await create();
    root = await mkdtemp(join(tmpdir(), 'ftm-langfuse-ds-'));
    stub = await startLangfuseStub({ generations: GENERATIONS, scores: SCORES });
    const secrets = new EncryptedSecretStore(SecretKeyring.fromKeys(generateSecretsKey()));
    deps = {
      db: t.database.db,
      blobs: new FsBlobStore({ root }),
      queue: new LocalQueue(t.database),
      governance: new LocalGovernanceEngine({ version: 1, default: 'allow', rules: [] }),
      traces: null,
      sanitizer: new BuiltinSanitizer(),
      langfuse: {
        open: async (scope) => {
          const connection = await findLangfuseConnection({ db: t.database.db, secrets }, scope);
          return connection ? new LangfuseClient(connection, { retries: 1, backoffMs: 1 }) : null;
        },
      },
    };
    const seeded = await seedTenant(t.database);
    ctx = testContext({ tenantId: seeded.tenantId, projectId: seeded.projectId, role: 'admin' });
    await expect(createDataset(deps, ctx, { name: 'x', format: 'jsonl_chat', source: { type: 'langfuse' } })).rejects.toMatchObject({ code: 'langfuse_not_configured' });
    await setLangfuseCredential({ db: t.database.db, secrets }, { ...ctx, projectId: null }, { project_id: null, public_key: stub.publicKey, secret_key: stub.secretKey, base_url: `${stub.url}/` });
  });
  afterAll(async () => {
    await stub?.close();
    await t?.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it("builds a chat dataset from well-scored generations, tools kept, PII redacted, lineage to trace and observation ids; every request follows Langfuse's document", async () => {
    const created = await createDataset(deps, ctx, {
      name: 'support',
      format: 'jsonl_chat',
      source: { type: 'langfuse', filters: FILTERS, score: { name: 'user-feedback', min_value: 0.5 } },
      dedup: { near: false },
      min_examples: 1,
    });
    expect(created.source).toEqual({ type: 'langfuse', upload_id: null, filters: { ...FILTERS, tags_match: 'any' }, inline_record_count: null, score: { name: 'user-feedback', min_value: 0.5 } });
    stub.requests.length = 0;
    await build(created.id);
    const ready = await getDataset(deps.db, ctx, created.id);
    expect(ready.status).toBe('ready');
    // Six generations match the filters; obs-4 scored 0 and obs-5 has no score.
    expect(ready.record_count).toBe(4);
    expect(ready.report!.sanitization.findings).toEqual({ email: 1 });
    const lines = await read(created.id);
    expect(JSON.stringify(lines)).not.toContain('jane.doe@example.com');
    expect(lines[0]).toEqual({
      messages: [
        { role: 'system', content: 'You are support.' },
        { role: 'user', content: 'My email is [EMAIL], reset my password.' },
        { role: 'assistant', content: 'I sent a reset link.' },
      ],
    });
    expect(lines[1]).toMatchObject({
      tools: [{ type: 'function', function: { name: 'get_weather' } }],
      messages: [{ role: 'user' }, { role: 'assistant', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }] }],
    });
    const lineage = await read(created.id, 'lineage');
    expect(lineage.map((l) => l.observation_id)).toEqual(['obs-1', 'obs-2', 'obs-3', 'obs-7']);
    expect(lineage[0]).toEqual({ split: 'train', line: 1, source_line: 1, trace_id: 'trace-1', observation_id: 'obs-1' });
    expect(stub.requests.length).toBeGreaterThanOrEqual(6);
    expect(stub.requests.flatMap((r) => r.problems)).toEqual([]);
    expect(stub.requests.some((r) => r.path === '/api/public/v3/scores' && r.query.get('cursor'))).toBe(true);
    // Finished: nothing of the read is kept.
    expect(await deps.db.selectFrom('langfuse_read_records').select('seq').where('dataset_id', '=', created.id).execute()).toEqual([]);
  });

  it("the stub's validator refuses a request outside the document", async () => {
    const res = await fetch(`${stub.url}/api/public/v2/observations?page=2&limit=ten`, { headers: { authorization: 'Basic eDp5' } });
    expect(res.status).toBe(400);
    const { message } = (await res.json()) as { message: string };
    expect(message).toMatch(/page is not declared/);
    expect(message).toMatch(/limit/);
    expect(message).toMatch(/Authorization/);
  });

  it('resumes an interrupted read from its last page cursor', async () => {
    const created = await createDataset(deps, ctx, {
      name: 'resume',
      format: 'jsonl_chat',
      source: { type: 'langfuse', filters: FILTERS, score: { name: 'user-feedback', min_value: 0.5 } },
      dedup: { near: false },
      min_examples: 1,
    });
    stub.requests.length = 0;
    stub.failAfterGenerations = 4;
    await expect(build(created.id, 1)).rejects.toBeInstanceOf(DependencyUnavailableError);
    expect((await getDataset(deps.db, ctx, created.id)).status).toBe('building');
    const saved = await deps.db.selectFrom('langfuse_reads').selectAll().where('dataset_id', '=', created.id).executeTakeFirstOrThrow();
    expect(saved).toMatchObject({ pages: 2, records: 3, done: false, next_cursor: expect.any(String) });
    stub.failAfterGenerations = null;
    await build(created.id, 2);
    const ready = await getDataset(deps.db, ctx, created.id);
    expect(ready.status).toBe('ready');
    expect(ready.record_count).toBe(4);
    const pages = stub.requests.filter((r) => r.path === '/api/public/v2/observations').map((r) => r.query.get('cursor'));
    // Page 1 and 2 were read once; page 3 failed twice (one retry), then was read on the resumed attempt.
    expect(pages.filter((c) => c === null)).toHaveLength(1);
    expect(new Set(pages).size).toBe(3);
    expect(pages.filter((c) => c === saved.next_cursor)).toHaveLength(3);
    expect((await read(created.id, 'lineage')).map((l) => l.observation_id)).toEqual(['obs-1', 'obs-2', 'obs-3', 'obs-7']);
  });

  it('builds preference pairs from a correction score and from two scored replies to one prompt', async () => {
    const created = await createDataset(deps, ctx, {
      name: 'prefs',
      format: 'jsonl_preference',
      source: { type: 'langfuse', filters: FILTERS, preference: { score: 'user-feedback', correction_score: 'correction', min_score_gap: 0.5 } },
      min_examples: 1,
    });
    await build(created.id);
    const ready = await getDataset(deps.db, ctx, created.id);
    expect(ready.status).toBe('ready');
    const lines = await read(created.id);
    expect(lines).toContainEqual({
      input: { messages: [{ role: 'user', content: 'Opening hours?' }] },
      preferred_output: [{ role: 'assistant', content: 'Open 9:00-17:00 on weekdays; write to [EMAIL].' }],
      non_preferred_output: [{ role: 'assistant', content: 'Always open.' }],
    });
    expect(lines).toContainEqual({
      input: { messages: [{ role: 'user', content: REFUND }] },
      preferred_output: [{ role: 'assistant', content: 'Refunds within 30 days, receipt required.' }],
      non_preferred_output: [{ role: 'assistant', content: 'No idea.' }],
    });
    expect(lines).toHaveLength(2);
    const lineage = await read(created.id, 'lineage');
    expect(lineage.find((l) => l.kind === 'scores')).toMatchObject({ observation_id: 'obs-3', non_preferred_observation_id: 'obs-4' });
  });

  it('refuses formats and options the source cannot make', async () => {
    await expect(createDataset(deps, ctx, { name: 'x', format: 'jsonl_prompt_completion', source: { type: 'langfuse' } })).rejects.toThrow(ValidationError);
    await expect(createDataset(deps, ctx, { name: 'x', format: 'jsonl_preference', source: { type: 'langfuse' } })).rejects.toThrow(ValidationError);
    await expect(createDataset(deps, ctx, { name: 'x', format: 'jsonl_chat', source: { type: 'langfuse', preference: { score: 's' } } })).rejects.toThrow(ValidationError);
    await expect(createDataset(deps, ctx, { name: 'x', format: 'jsonl_chat', source: { type: 'langfuse', filters: { since: 'yesterday' } } })).rejects.toThrow(ValidationError);
    await expect(createDataset(deps, ctx, { name: 'x', format: 'jsonl_chat', source: { type: 'langfuse', score: { name: 'q' } } })).rejects.toThrow(ValidationError);
  });

  it('stores the key pair sealed, never in the event or audit row', async () => {
    const rows = await deps.db.selectFrom('secrets').select(['ciphertext', 'fields']).where('kind', '=', 'langfuse').execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.fields).toEqual(['base_url', 'public_key', 'secret_key']);
    expect(Buffer.from(rows[0]!.ciphertext).toString('latin1')).not.toContain(stub.secretKey);
    const audit = await deps.db.selectFrom('audit_events').selectAll().where('action', 'like', 'langfuse_credential.%').execute();
    const events = await deps.db.selectFrom('outbox_events').selectAll().where('type', 'like', 'langfuse_credential.%').execute();
    expect(audit).toHaveLength(1);
    expect(events).toHaveLength(1);
    expect(JSON.stringify([audit, events])).not.toMatch(/sk-lf-|pk-lf-/);
    await expect(setLangfuseCredential({ db: deps.db, secrets: new EncryptedSecretStore(null) }, { ...ctx, actor: { ...ctx.actor, role: 'member' } }, {})).rejects.toThrow();
    void ConflictError;
  });
});
