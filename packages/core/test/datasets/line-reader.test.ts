import { describe, expect, it } from 'vitest';
import { readJsonLines, Utf8Guard } from '../../src/datasets/build/line-reader.js';
import { ValidationError } from '../../src/shared/errors.js';

async function collect(chunks: (string | Uint8Array)[]) {
  const out = [];
  for await (const l of readJsonLines(
    (async function* () {
      yield* chunks;
    })(),
  ))
    out.push(l);
  return out;
}

describe('readJsonLines', () => {
  it('numbers lines like the file, skipping blank ones, across chunk boundaries', async () => {
    const bytes = Buffer.from('{"a":"é"}\r\n\n{"b":2}\n{"c":3}');
    const lines = await collect([bytes.subarray(0, 7), bytes.subarray(7, 13), bytes.subarray(13)]);
    expect(lines).toEqual([
      { line: 1, text: '{"a":"é"}' },
      { line: 3, text: '{"b":2}' },
      { line: 4, text: '{"c":3}' },
    ]);
  });

  it('refuses NUL bytes and invalid UTF-8', async () => {
    await expect(collect([new Uint8Array([0x41, 0x00])])).rejects.toBeInstanceOf(ValidationError);
    await expect(collect([new Uint8Array([0xc3, 0x28, 0x0a])])).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('Utf8Guard', () => {
  it('accepts a multi-byte character split over chunks', () => {
    const bytes = Buffer.from('a€b😀');
    const guard = new Utf8Guard();
    for (let i = 0; i < bytes.length; i++) guard.check(bytes.subarray(i, i + 1));
    expect(() => guard.end()).not.toThrow();
  });

  it('refuses a stream that ends inside a character', () => {
    const guard = new Utf8Guard();
    guard.check(Buffer.from('€').subarray(0, 2));
    expect(() => guard.end()).toThrow(ValidationError);
  });

  it('refuses bytes that are not UTF-8', () => {
    expect(() => new Utf8Guard().check(new Uint8Array([0x61, 0xff, 0x61]))).toThrow(ValidationError);
  });
});
