import { describe, expect, it } from 'vitest';
import { countTokens as libraryCountO200k } from 'gpt-tokenizer/encoding/o200k_base';
import { countTokens as libraryCountCl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { loadTextCounter } from '../../src/datasets/build/token-counter.js';
import { parseRankModule, readMergeableRanks, type MergeableRanks } from '../../src/datasets/build/tokenizer-ranks.js';

const sameRanks = (a: MergeableRanks, b: readonly (string | number[])[]): boolean =>
  a.length === b.length && a.every((rank, i) => (typeof rank === 'string' ? rank === b[i] : JSON.stringify(rank) === JSON.stringify(b[i])));

describe('readMergeableRanks', () => {
  it("reads the same rank table gpt-tokenizer's own modules export, for every encoding a base model uses", async () => {
    for (const [encoding, load] of [
      ['o200k_base', () => import('gpt-tokenizer/bpeRanks/o200k_base')],
      ['cl100k_base', () => import('gpt-tokenizer/bpeRanks/cl100k_base')],
    ] as const) {
      const read = await readMergeableRanks(encoding);
      expect(read, `${encoding} read as data`).toBeDefined();
      const imported = (await load()).default;
      expect(read!.length).toBe(imported.length);
      expect(sameRanks(read!, imported)).toBe(true);
    }
  });

  it('counts tokens exactly as the library does', async () => {
    const texts = [
      'Hello, world! How are you doing today?',
      'Ünïcödé, 😀 emoji, 中文文本, العربية and   odd\tspacing\r\n',
      'Special tokens as text: <|endoftext|> <|im_start|>',
      'Numbers 1234567890 and code: const x = y ?? z;',
      '\u0000\u0007 control characters \u007f',
    ];
    const o200k = await loadTextCounter('o200k_base');
    const cl100k = await loadTextCounter('cl100k_base');
    const plain = { disallowedSpecial: new Set<string>() };
    for (const text of texts) {
      expect(o200k(text)).toBe(libraryCountO200k(text, plain));
      expect(cl100k(text)).toBe(libraryCountCl100k(text, plain));
    }
  });
});

describe('parseRankModule', () => {
  it('reads every kind of literal a rank module holds, across chunks', () => {
    const source = [
      '//#region src/bpeRanks/example.js',
      'const c0 = [',
      '\t"plain",',
      '\t"\\"quoted\\" and \\\\ backslash \\\\x41 not an escape",',
      '\t"\\x07\\x1B hex escapes",',
      '\t"\\u{1F600} code point and \\u00e9 unit",',
      '\t"\\v vertical tab, \\0 NUL, \\\' apostrophe, \\b\\f\\n\\r\\t",',
      '\t"raw\ttab and raw \u0001 control",',
      '\t[',
      '\t\t32,',
      '\t\t224',
      '\t],',
      '\t[255]',
      '];',
      'const c1 = [',
      '\t"second chunk"',
      '];',
      '/** @type {(string | number[])[]} */',
      'const bpe = c0.concat(c1);',
      'c0.length = 0;',
      'export { bpe as default };',
    ].join('\n');
    expect(parseRankModule(source)).toEqual([
      'plain',
      '"quoted" and \\ backslash \\x41 not an escape',
      '\u0007\u001b hex escapes',
      '😀 code point and é unit',
      "\u000b vertical tab, \u0000 NUL, ' apostrophe, \b\f\n\r\t",
      'raw\ttab and raw \u0001 control',
      [32, 224],
      [255],
      'second chunk',
    ]);
  });

  it('gives up on a layout it does not know, so the caller imports the module instead', () => {
    expect(parseRankModule('export default ["a", "b"];')).toBeUndefined();
    expect(parseRankModule('const c0 = [\n\t"a"\n];\nconst bpe = c0.concat(c9);')).toBeUndefined();
    expect(parseRankModule('const c0 = [\n\t"a" + "b"\n];\nconst bpe = c0;')).toBeUndefined();
    expect(parseRankModule('const c0 = [\n\t{ "a": 1 }\n];\nconst bpe = c0;')).toBeUndefined();
    expect(parseRankModule('const c0 = [\n\t[256]\n];\nconst bpe = c0;')).toBeUndefined();
  });
});
