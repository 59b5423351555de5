import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { loadTextCounter } from '../../src/datasets/build/token-counter.js';

describe('loadTextCounter', () => {
  it('counts like gpt-tokenizer on a first, second and later sighting of a text, however many texts pass', async () => {
    const count = await loadTextCounter('o200k_base');
    const texts = Array.from({ length: 5000 }, (_, i) => `Ticket ${i}: the router at desk ${i % 97} keeps rebooting <|endoftext|> after update ${i % 13}.`);
    for (let round = 0; round < 3; round++) {
      for (const text of texts) expect(count(text)).toBe(countTokens(text, { disallowedSpecial: new Set() }));
    }
    expect(count('')).toBe(0);
    const long = 'word '.repeat(1000);
    expect(count(long)).toBe(count(long));
    expect(count(long)).toBe(countTokens(long));
  });

  it('loads an encoding once per thread, however many batches ask for it at once', async () => {
    // A worker's first batches all arrive before the tokenizer is loaded: they must share one
    // load (two loads could also finish out of order).
    const calls = [loadTextCounter('cl100k_base'), loadTextCounter('cl100k_base'), loadTextCounter('cl100k_base')];
    expect(calls[1]).toBe(calls[0]);
    expect(calls[2]).toBe(calls[0]);
    const [a, b] = await Promise.all(calls);
    expect(b).toBe(a);
  });
});
