import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/adapters/fs/fs-blob-store.js';
import { DatasetBuildConfig } from '../../src/datasets/dataset-config.js';
import { readJsonLines } from '../../src/datasets/build/line-reader.js';
import { inlineRecordProcessor, LazyRecordProcessor, RecordProcessorPool, type RecordProcessor } from '../../src/datasets/build/record-processor-pool.js';
import { runDatasetBuild, type RunDatasetBuildInput } from '../../src/datasets/build/run-dataset-build.js';
import { BuiltinSanitizer } from '../../src/sanitization/builtin-sanitizer.js';
import { chatFixtureJsonl, EXPECTED, EXPECTED_FINDINGS, INVALID_LINES, plantedValues, RECORDS_WITH_FINDINGS } from './support/chat-fixture.js';

let root: string;
let blobs: FsBlobStore;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ftm-build-'));
  blobs = new FsBlobStore({ root });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The fixture as a byte stream in small chunks, so lines and characters straddle chunks. */
async function* chunked(text: string, size = 777): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

let run = 0;
function build(text: string, config: Partial<DatasetBuildConfig> = {}, extra: Partial<RunDatasetBuildInput> = {}) {
  return runDatasetBuild({
    source: readJsonLines(chunked(text)),
    config: DatasetBuildConfig.parse({ format: 'jsonl_chat', ...config }),
    blobs,
    keyPrefix: `datasets/t/p/d${++run}/v1`,
    sanitizer: new BuiltinSanitizer(),
    processor: inlineRecordProcessor,
    batchSize: 7,
    ...extra,
  });
}

async function readBlob(key: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await blobs.get(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('runDatasetBuild on the acceptance fixture', () => {
  it('writes every valid unique example, redacted, and reports exact counts', async () => {
    const result = await build(chatFixtureJsonl());
    expect(result.status).toBe('ready');
    const report = result.report;
    expect(report.records_read).toBe(EXPECTED.read);
    expect(report.records_written).toBe(EXPECTED.valid);
    expect(report.records_dropped).toBe(EXPECTED.read - EXPECTED.valid);
    expect(report.validation.invalid).toBe(EXPECTED.invalid);
    const expectedReasons: Record<string, number> = {};
    for (const [reason] of INVALID_LINES) expectedReasons[reason] = (expectedReasons[reason] ?? 0) + 1;
    expect(Object.fromEntries(Object.entries(report.validation.by_reason).map(([r, v]) => [r, v!.count]))).toEqual(expectedReasons);
    // index_bytes: both indexes at their starting size, plus one chunk of digests (128 KB) and one of signatures (512 KB).
    expect(report.dedup).toEqual({ exact_removed: EXPECTED.exactDuplicates, near_removed: EXPECTED.nearDuplicates, near_threshold: 0.9, index_bytes: 794_624 });
    expect(report.sanitization.findings).toEqual(EXPECTED_FINDINGS);
    expect(report.sanitization.records_with_findings).toBe(RECORDS_WITH_FINDINGS);
    expect(report.tokens.examples).toBe(EXPECTED.valid);
    expect(report.tokens.examples_over_limit).toBe(1);
    expect(report.tokens.min).toBeGreaterThan(0);
    expect(report.tokens.max).toBeGreaterThanOrEqual(report.tokens.p95);
    expect(report.tokens.token_estimate).toBe(report.tokens.total_tokens);
    expect(report.tokens.histogram?.reduce((n, b) => n + b.count, 0)).toBe(report.tokens.examples);

    const text = await readBlob(result.train!.key);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(EXPECTED.valid);
    expect(result.train!.records).toBe(EXPECTED.valid);
    expect(new Set(lines).size).toBe(lines.length);
    for (const value of plantedValues()) {
      expect(text, value).not.toContain(value);
      expect(text, value).not.toContain(JSON.stringify(value).slice(1, -1));
    }
    expect(text).toContain('[EMAIL]');
    expect(text).toContain('[SECRET]');
    // the tool-call arguments stay valid JSON after redaction
    const withTool = lines.map((l) => JSON.parse(l)).find((r) => r.tools);
    expect(JSON.parse(withTool.messages[1].tool_calls[0].function.arguments)).toEqual({ to: '[EMAIL]', phone: '[PHONE]', note: 'IBAN [IBAN]' });
    expect(result.validation).toBeNull();
  });

  it('gives sample line numbers per invalid reason', async () => {
    const result = await build(chatFixtureJsonl());
    const firstInvalidLine = EXPECTED.valid + 1 + EXPECTED.exactDuplicates + EXPECTED.nearDuplicates + 1 + 1;
    expect(result.report.validation.by_reason.invalid_json!.sample_lines).toEqual([firstInvalidLine, firstInvalidLine + 1]);
  });

  it('produces a byte-identical file when the same build runs again', async () => {
    const a = await build(chatFixtureJsonl(), {}, { keyPrefix: 'datasets/t/p/same/v1' });
    const b = await build(chatFixtureJsonl(), {}, { keyPrefix: 'datasets/t/p/same/v1', batchSize: 3 });
    expect(b.train!.sha256).toBe(a.train!.sha256);
    expect(b.train!.sizeBytes).toBe(a.train!.sizeBytes);
  });

  it('splits deterministically into train and validation files', async () => {
    const result = await build(chatFixtureJsonl(), { validation_split: 0.5, min_examples: 1 });
    expect(result.status).toBe('ready');
    const { train_records, validation_records } = result.report.split;
    expect(train_records + validation_records).toBe(EXPECTED.valid);
    expect(validation_records).toBeGreaterThan(0);
    expect((await readBlob(result.validation!.key)).trimEnd().split('\n')).toHaveLength(validation_records);
    const again = await build(chatFixtureJsonl(), { validation_split: 0.5, min_examples: 1 });
    expect(again.report.split).toEqual(result.report.split);
  });

  it('drops records with findings under the drop_record policy', async () => {
    const result = await build(chatFixtureJsonl(), { sanitization: { policy: 'drop_record' }, min_examples: 1 });
    expect(result.status).toBe('ready');
    expect(result.report.sanitization.records_dropped).toBe(RECORDS_WITH_FINDINGS);
    expect(result.report.records_written).toBe(EXPECTED.valid - RECORDS_WITH_FINDINGS);
    const text = await readBlob(result.train!.key);
    expect(text).not.toContain('[EMAIL]');
  });

  it('blocks the dataset and stores no file under the block policy', async () => {
    const result = await build(chatFixtureJsonl(), { sanitization: { policy: 'block' } }, { keyPrefix: 'datasets/t/p/blocked/v1' });
    expect(result.status).toBe('blocked');
    expect(result.reasons[0]!.code).toBe('sensitive_data_found');
    expect(result.report.sanitization.findings).toEqual(EXPECTED_FINDINGS);
    expect(result.train).toBeNull();
    expect(await blobs.head('datasets/t/p/blocked/v1/train.jsonl')).toBeNull();
  });

  it('fails a strict build at the first invalid record and stores nothing', async () => {
    const result = await build(chatFixtureJsonl(), { strict: true }, { keyPrefix: 'datasets/t/p/strict/v1' });
    expect(result.status).toBe('failed');
    expect(result.reasons[0]).toMatchObject({ code: 'invalid_record', details: { reason: 'invalid_json' } });
    expect(await blobs.head('datasets/t/p/strict/v1/train.jsonl')).toBeNull();
  });
});

describe('runDatasetBuild within a limit on dedup memory', () => {
  const unique = Array.from({ length: 60 }, (_, i) =>
    JSON.stringify({
      messages: [
        { role: 'user', content: `question ${i} about invoice ${i * 7919}` },
        { role: 'assistant', content: `answer ${i}: see page ${i * 31}` },
      ],
    }),
  ).join('\n');
  // An empty exact index holds 8 KB and the near one 128 KB; the first kept record adds a 128 KB
  // digest chunk and a 512 KB signature chunk: ~776 KB after the first batch.
  const afterFirstBatch = 8192 + 131_072 + 131_072 + 524_288;

  it('fails with dedup_memory_exceeded once the indexes outgrow it, and stores nothing', async () => {
    const result = await build(unique, {}, { keyPrefix: 'datasets/t/p/dedup-limit/v1', dedupMemoryBytes: afterFirstBatch - 1 });
    expect(result.status).toBe('failed');
    expect(result.train).toBeNull();
    expect(result.reasons).toHaveLength(1);
    expect(result.reasons[0]).toMatchObject({
      code: 'dedup_memory_exceeded',
      details: { limit_bytes: afterFirstBatch - 1, records_read: 7, records_kept: 7 },
    });
    expect(result.reasons[0]!.message).toContain('"dedup": {"near": false}');
    expect(result.reasons[0]!.message).toContain('FTM_DATASET_DEDUP_MEMORY_MB');
    expect(await blobs.head('datasets/t/p/dedup-limit/v1/train.jsonl')).toBeNull();
    const left: string[] = [];
    for await (const key of blobs.list('datasets/t/p/dedup-limit/')) left.push(key);
    expect(left).toEqual([]);
  });

  it('builds as usual when the indexes stay within it, and reports what they held', async () => {
    const result = await build(unique, {}, { dedupMemoryBytes: afterFirstBatch });
    expect(result.status).toBe('ready');
    expect(result.report.records_written).toBe(60);
    expect(result.report.dedup.index_bytes).toBe(afterFirstBatch);
  });

  it('allocates only the indexes the build uses', async () => {
    const exactOnly = await build(unique, { dedup: { exact: true, near: false, near_threshold: 0.9 } });
    expect(exactOnly.report.dedup).toMatchObject({ near_threshold: null, index_bytes: 8192 + 131_072 });
    const none = await build(unique, { dedup: { exact: false, near: false, near_threshold: 0.9 } });
    expect(none.report.dedup.index_bytes).toBe(0);
  });
});

describe('runDatasetBuild with a processor of some capacity', () => {
  const lines = Array.from({ length: 140 }, (_, i) =>
    JSON.stringify({
      messages: [
        { role: 'user', content: `q${i} ${i * 104_729}` },
        { role: 'assistant', content: `a${i}` },
      ],
    }),
  ).join('\n');

  /** The inline processor, answering a tick late, counting the batches it holds at once. */
  function counting(capacity?: number): RecordProcessor & { most: number } {
    let held = 0;
    const processor = {
      most: 0,
      ...(capacity !== undefined ? { capacity } : {}),
      async process(input: Uint8Array, options: Parameters<RecordProcessor['process']>[1]) {
        processor.most = Math.max(processor.most, ++held);
        await new Promise((resolve) => setTimeout(resolve, 1));
        held -= 1;
        return inlineRecordProcessor.process(input, options);
      },
      close: async () => {},
    };
    return processor;
  }

  it('keeps as many batches in flight as the processor holds, and at least four', async () => {
    for (const [capacity, expected] of [
      [undefined, 4],
      [2, 4],
      [8, 8],
    ] as const) {
      const processor = counting(capacity);
      const result = await build(lines, {}, { processor });
      expect(result.report.records_written).toBe(140);
      expect(processor.most).toBe(expected);
    }
  });

  it('sizes a pool by its threads, two batches each, before a lazy one starts', async () => {
    const pool = new RecordProcessorPool({ threads: 3 });
    try {
      expect(pool.capacity).toBe(6);
    } finally {
      await pool.close();
    }
    expect(new LazyRecordProcessor({ threads: 3 }).capacity).toBe(6);
    expect(inlineRecordProcessor.capacity).toBe(1);
  });
});

describe('runDatasetBuild on bad inputs', () => {
  it('fails with no_valid_records when nothing is valid', async () => {
    const result = await build('not json\n{"a":1}\n[]\n');
    expect(result).toMatchObject({ status: 'failed', train: null, reasons: [{ code: 'no_valid_records' }] });
    expect(result.report.validation.by_reason.invalid_json!.count).toBe(1);
  });

  it('fails an empty source', async () => {
    const result = await build('\n\n');
    expect(result).toMatchObject({ status: 'failed', reasons: [{ code: 'no_valid_records', message: 'the source has no records' }] });
  });

  it('fails with too_few_examples below the minimum count', async () => {
    const line = (i: number) =>
      JSON.stringify({
        messages: [
          { role: 'user', content: `question number ${i} about something else` },
          { role: 'assistant', content: `answer ${i}` },
        ],
      });
    const result = await build([1, 2, 3].map(line).join('\n'), { dedup: { exact: true, near: false, near_threshold: 0.9 } }, { keyPrefix: 'datasets/t/p/few/v1' });
    expect(result).toMatchObject({ status: 'failed', reasons: [{ code: 'too_few_examples' }] });
    expect(await blobs.head('datasets/t/p/few/v1/train.jsonl')).toBeNull();
  });

  it('fails a binary source with a clear reason', async () => {
    const result = await runDatasetBuild({
      source: readJsonLines(
        (async function* () {
          yield new Uint8Array([0x7b, 0x00, 0xff, 0x0a]);
        })(),
      ),
      config: DatasetBuildConfig.parse({ format: 'jsonl_chat' }),
      blobs,
      keyPrefix: 'datasets/t/p/bin/v1',
      sanitizer: new BuiltinSanitizer(),
      processor: inlineRecordProcessor,
    });
    expect(result).toMatchObject({ status: 'failed', reasons: [{ code: 'invalid_source' }] });
  });
});

describe('runDatasetBuild on raw bytes', () => {
  it('gives the same file and report from bytes cut into small batches as from decoded lines', async () => {
    const fromLines = await build(chatFixtureJsonl(), {}, { keyPrefix: 'datasets/t/p/lines/v1' });
    // Batches of ~600 bytes from 777-byte chunks: records and characters straddle both.
    const fromBytes = await build(chatFixtureJsonl(), {}, { keyPrefix: 'datasets/t/p/bytes/v1', source: { bytes: chunked(chatFixtureJsonl()) }, batchBytes: 600 });
    expect(fromBytes.report).toEqual(fromLines.report);
    expect(fromBytes.train!.sha256).toBe(fromLines.train!.sha256);
  });

  it('drops a leading byte order mark and numbers lines past blank ones', async () => {
    const line = (i: number) =>
      JSON.stringify({
        messages: [
          { role: 'user', content: `q ${i} ${'abc '.repeat(i)}` },
          { role: 'assistant', content: `a ${i}` },
        ],
      });
    const body = '\ufeff' + [line(1), '', line(2), 'not json', ...Array.from({ length: 10 }, (_, i) => line(i + 3))].join('\r\n') + '\r\n';
    const result = await build(body, {}, { source: { bytes: chunked(body, 5) } });
    expect(result.status).toBe('ready');
    expect(result.report.records_read).toBe(13);
    expect(result.report.validation.by_reason).toEqual({ invalid_json: { count: 1, sample_lines: [4] } });
  });

  it('fails binary and invalid UTF-8 byte sources with invalid_source and writes nothing', async () => {
    for (const bad of [new Uint8Array([0x7b, 0x7d, 0x0a, 0x7b, 0x00, 0x7d, 0x0a]), new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d, 0x0a])]) {
      const result = await build(
        '',
        {},
        {
          keyPrefix: 'datasets/t/p/badbytes/v1',
          source: {
            bytes: (async function* () {
              yield bad;
            })(),
          },
        },
      );
      expect(result).toMatchObject({ status: 'failed', reasons: [{ code: 'invalid_source' }] });
      expect(await blobs.head('datasets/t/p/badbytes/v1/train.jsonl')).toBeNull();
    }
  });
});
