import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalSha256 } from '../../src/shared/canonical-json.js';
import { fingerprintRequest } from '../../src/idempotency/request-fingerprint.js';

// The value below exercises what a canonical form must pin down: keys in any insertion order,
// keys that sort differently by code unit than by locale (B < a, e + combining accent < é,
// a surrogate pair < U+FFFF), undefined values (left out of objects, null in arrays), lone
// surrogates, -0, NaN and exponents, nested arrays.
const tricky = {
  b: [1, [2, [3, undefined, null]]],
  a: { é: -0, 'e\u0301': 1e21, '\u{1F600}': '\ud800', '\uffff': Number.NaN, B: 'x', u: undefined },
};
const TRICKY_TEXT = '{"a":{"B":"x","e\u0301":1e+21,"é":0,"\u{1F600}":"\\ud800","\uffff":null},"b":[1,[2,[3,null,null]]]}';

describe('canonicalJson', () => {
  it('writes keys in code-unit order at every depth, whatever order they were written in', () => {
    expect(canonicalJson(tricky)).toBe(TRICKY_TEXT);
    const reordered = { a: { B: 'x', u: undefined, '\uffff': Number.NaN, '\u{1F600}': '\ud800', 'e\u0301': 1e21, é: 0 }, b: [1, [2, [3, undefined, null]]] };
    expect(canonicalJson(reordered)).toBe(TRICKY_TEXT);
  });

  it('does not normalise Unicode: composed and decomposed texts stay different values', () => {
    expect(canonicalJson({ k: 'é' })).not.toBe(canonicalJson({ k: 'e\u0301' }));
    expect(canonicalJson('\u2028')).toBe('"\u2028"');
  });

  it('writes numbers and non-JSON values as JSON.stringify does, undefined and functions as null', () => {
    expect(canonicalJson([0, -0, 1.5, 1e-7, 2 ** 53 + 1, Infinity, -Infinity])).toBe('[0,0,1.5,1e-7,9007199254740992,null,null]');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson([undefined, () => 1])).toBe('[null,null]');
    expect(canonicalJson({ f: undefined })).toBe('{}');
    expect(canonicalJson([[], [[]], {}])).toBe('[[],[[]],{}]');
  });

  it('hashes the canonical text', () => {
    expect(canonicalSha256(tricky)).toBe(createHash('sha256').update(TRICKY_TEXT).digest('hex'));
  });

  it('is what an idempotency fingerprint hashes, so fingerprints stay what they were', () => {
    const request = { method: 'post', path: '/model-versions/mv_1/approve', body: tricky };
    expect(fingerprintRequest(request)).toBe(createHash('sha256').update(`POST\n/model-versions/mv_1/approve\n${TRICKY_TEXT}`).digest('hex'));
    // Pinned from the fingerprint's own copy before both moved onto this module.
    expect(fingerprintRequest(request)).toBe('3991d5d7a5e3dfb714bd5e7e80f3e50bc0543b02db7260fa26e9b6aa09e4a314');
  });
});
