import { describe, expect, it } from 'vitest';
import { exceedsJsonDepth, findUnstorableText, MAX_JSON_DEPTH } from '../../src/shared/json-limits.js';
import { parseRecord } from '../../src/datasets/build/record-processor.js';
import { rewriteTextFields } from '../../src/datasets/build/text-fields.js';

const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

describe('JSON depth', () => {
  it('allows exactly the limit and refuses one level more', () => {
    expect(exceedsJsonDepth(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(exceedsJsonDepth(nested(MAX_JSON_DEPTH + 1))).toBe(true);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(exceedsJsonDepth(JSON.stringify({ a: `"\\${'['.repeat(500)}` }))).toBe(false);
  });

  it('refuses a dataset record nested 10 000 deep as invalid JSON instead of overflowing the stack', () => {
    const line = `{"messages":[${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}]}`;
    expect(parseRecord(line, 'jsonl_chat')).toEqual({ reason: 'invalid_json' });
  });

  it('redacts tool-call arguments nested 10 000 deep as one text instead of overflowing the stack', () => {
    const args = `${'{"a":'.repeat(10_000)}"call me at 555-0100"${'}'.repeat(10_000)}`;
    const example = { messages: [{ role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: args } }] }] };
    const seen: string[] = [];
    expect(() => rewriteTextFields(example, 'jsonl_chat', (text) => (seen.push(text), text))).not.toThrow();
    expect(seen).toContain(args);
  });
});

describe('unstorable text', () => {
  it.each([
    [{ name: 'a\u0000' }, 'name', /NUL/],
    [{ meta: { list: ['ok', '\ud800x'] } }, 'meta.list.1', /surrogate/],
    [{ meta: { '\udc00': 'v' } }, 'meta', /property name .*surrogate/],
  ])('finds the offending string of %j', (value, path, message) => {
    expect(findUnstorableText(value)).toEqual({ path, message: expect.stringMatching(message) });
  });

  it('accepts surrogate pairs and ordinary control characters', () => {
    expect(findUnstorableText({ emoji: '\ud83d\ude80', tab: 'a\tb' })).toBeNull();
  });
});
