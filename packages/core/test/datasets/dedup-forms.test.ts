import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/shared/canonical-json.js';
import { dedupForms, normalizeStrings, normalizeText } from '../../src/datasets/build/dedup-forms.js';

// Strings that take every path of the one-scan normaliser: edge and double spaces, ASCII
// whitespace controls, characters JSON escapes, DEL, non-ASCII needing NFKC, lone surrogates.
const TRICKY = [
  'plain text',
  '  leading',
  'trailing ',
  'two  spaces',
  'tab\there',
  'line\nbreak\r\n',
  'vertical\u000btab and form\u000cfeed',
  'a "quoted" word',
  'back\\slash',
  'control\u0001char',
  'delete\u007fchar',
  'Ünïcödé  Ｆｕｌｌｗｉｄｔｈ',
  'lone \ud800 surrogate',
  'paired 😀 emoji',
  '',
  ' ',
  'MiXeD CaSe',
  '\u00a0no-break\u00a0spaces\u00a0',
  'e\u0301 combining',
  // Past 16,384 units the scan reads a copy of its own.
  `${'Long  Text "quoted" '.repeat(1000)}end`,
];

describe('dedupForms', () => {
  it('gives the canonical JSON of the normalised example for every kind of string', () => {
    for (const text of TRICKY) {
      const example = {
        messages: [
          { role: 'user', content: text, name: `n ${text}` },
          { role: 'assistant', content: [{ type: 'text', text: `${text} reply` }], weight: 1 },
        ],
        tools: [{ type: 'function', function: { name: 'f', description: text, parameters: { properties: { [text]: { type: 'string' } } } } }],
        // Keys in every order the sort must settle: integer-like ones (listed first by
        // Object.keys), capitals, non-ASCII, the empty key.
        metadata: { b: 1, '10': 2, '2': 3, A: 4, é: 5, '': 6, a: 7, [text]: 8 },
      };
      expect(dedupForms(example).canonical).toBe(canonicalJson(normalizeStrings(example)));
    }
  });

  it('collects the normalised content text, leaving out roles, names, types and ids', () => {
    const example = {
      messages: [
        { role: 'user', content: ' Hello  World ', name: 'Alice' },
        { role: 'assistant', content: [{ type: 'text', text: 'ÉCOLE' }] },
      ],
    };
    expect(dedupForms(example).text).toBe([normalizeText(' Hello  World '), normalizeText('ÉCOLE')].join('\n'));
    expect(dedupForms(example).text).toBe('hello world\nécole');
  });
});
