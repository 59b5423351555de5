import { describe, expect, it } from 'vitest';
import { byteBatches } from '../../src/datasets/build/line-batches.js';
import { MAX_LINE_BYTES } from '../../src/datasets/build/line-reader.js';

async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let pos = 0; pos < bytes.length; pos += size) yield bytes.subarray(pos, pos + size);
}

async function* streamOf(chunks: readonly (Uint8Array | string)[]): AsyncGenerator<Uint8Array | string> {
  yield* chunks;
}

async function collect(source: AsyncIterable<Uint8Array | string>, target: number): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const batch of byteBatches(source, target)) out.push(batch.input);
  return out;
}

const lines = Array.from({ length: 500 }, (_, i) => JSON.stringify({ n: i, text: 'x'.repeat(i % 37) }));
const body = new Uint8Array(Buffer.from(lines.join('\n') + '\n'));

describe('byteBatches', () => {
  it.each([1, 7, 100, 4096, 1 << 20])('cuts %i-byte chunks into whole-line batches of about the target size', async (chunk) => {
    const target = 1000;
    const batches = await collect(chunksOf(body, chunk), target);
    expect(Buffer.concat(batches)).toEqual(Buffer.from(body));
    for (const [i, batch] of batches.entries()) {
      expect(batch.at(-1)).toBe(0x0a);
      // Each batch ends at the first line break at or past the target, so it is short of it only
      // at the end of the stream, and past it by less than one line.
      if (i < batches.length - 1) expect(batch.length).toBeGreaterThanOrEqual(target);
      const before = batch.subarray(0, batch.length - 1).lastIndexOf(0x0a);
      expect(before + 1).toBeLessThan(target);
    }
  });

  it('keeps a last line without a line break, and drops a leading byte order mark', async () => {
    const batches = await collect(streamOf(['\ufeff{"a":1}\n{"a":2}']), 4);
    expect(Buffer.concat(batches).toString()).toBe('{"a":1}\n{"a":2}');
  });

  it('rejects a line longer than the limit, NUL bytes and invalid UTF-8', async () => {
    const long = new Uint8Array(MAX_LINE_BYTES + 2).fill(0x61);
    await expect(collect(chunksOf(long, 1 << 20), 1000)).rejects.toThrow(/longer than/);
    await expect(collect(streamOf([new Uint8Array([0x7b, 0x00, 0x7d, 0x0a])]), 1000)).rejects.toThrow();
    await expect(collect(streamOf([new Uint8Array([0x7b, 0xff, 0x7d, 0x0a])]), 1000)).rejects.toThrow();
  });
});
