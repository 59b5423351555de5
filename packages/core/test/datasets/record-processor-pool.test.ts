import { afterAll, describe, expect, it } from 'vitest';
import { processBatch, type ProcessedBatch, type ProcessOptions } from '../../src/datasets/build/record-processor.js';
import { RecordProcessorPool } from '../../src/datasets/build/record-processor-pool.js';

const options: ProcessOptions = { format: 'jsonl_chat', encoding: 'o200k_base', maxTokensPerExample: 65_536, builtinSanitize: true, nearDedup: true };
const line = (i: number): string =>
  JSON.stringify({
    messages: [
      { role: 'user', content: `question ${i} from a${i}@example.com` },
      { role: 'assistant', content: `answer ${i}` },
    ],
  });
const bytes = (lines: readonly string[]): Uint8Array => new Uint8Array(Buffer.from(lines.join('\n') + '\n'));
const outputs = (b: ProcessedBatch): string[] => Array.from({ length: b.count }, (_, i) => Buffer.from(b.output.subarray(b.outOffsets[i], b.outOffsets[i + 1])).toString());

describe('RecordProcessorPool', () => {
  const pool = new RecordProcessorPool({ threads: 2 });
  afterAll(() => pool.close());

  it('gives the same results as processing inline, for every batch in flight at once', async () => {
    const batches = Array.from({ length: 6 }, (_, b) => Array.from({ length: 50 }, (_, i) => line(b * 50 + i)));
    const results = await Promise.all(batches.map((lines) => pool.process(bytes(lines), options)));
    for (const [b, result] of results.entries()) {
      const inline = await processBatch(bytes(batches[b]!), options);
      expect(outputs(result)).toEqual(outputs(inline));
      expect(Buffer.from(result.digests)).toEqual(Buffer.from(inline.digests));
      expect([...result.tokens]).toEqual([...inline.tokens]);
      expect(Buffer.from(result.signatures)).toEqual(Buffer.from(inline.signatures));
    }
    expect(outputs(results[0]!)[0]).toContain('[EMAIL]');
  });
});
