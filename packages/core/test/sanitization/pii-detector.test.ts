import { describe, expect, it } from 'vitest';
import { BuiltinSanitizer, riskScore } from '../../src/sanitization/builtin-sanitizer.js';
import { cardPrefixPlausible, ibanValid, luhnValid, ssnValid } from '../../src/sanitization/checksums.js';
import { PLACEHOLDERS, redactText } from '../../src/sanitization/pii-detector.js';
import type { FindingType } from '../../src/sanitization/sanitizer.js';
import { BENIGN, CONTEXT_SECRETS, PLANTED } from './pii-fixtures.js';

describe('checksums', () => {
  it('accepts Luhn-valid card numbers and rejects a changed digit', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(cardPrefixPlausible('378282246310005')).toBe(true);
    expect(cardPrefixPlausible('1234567812345670')).toBe(false);
  });

  it('checks IBANs by country length and mod 97', () => {
    expect(ibanValid('DE89370400440532013000')).toBe(true);
    expect(ibanValid('DE89370400440532013001')).toBe(false);
    expect(ibanValid('DE8937040044053201300')).toBe(false);
    expect(ibanValid('ZZ89370400440532013000')).toBe(false);
  });

  it('applies the SSN area, group and serial rules', () => {
    expect(ssnValid('123', '45', '6789')).toBe(true);
    for (const [a, g, s] of [
      ['000', '12', '3456'],
      ['666', '12', '3456'],
      ['950', '12', '3456'],
      ['123', '00', '4567'],
      ['123', '45', '0000'],
    ] as const) {
      expect(ssnValid(a, g, s)).toBe(false);
    }
  });
});

describe('redactText', () => {
  for (const [type, values] of Object.entries(PLANTED) as [FindingType, readonly string[]][]) {
    it(`replaces every planted ${type} with ${PLACEHOLDERS[type]}`, () => {
      for (const value of values) {
        const { text, counts } = redactText(`before ${value} after.`);
        expect(text, value).toBe(`before ${PLACEHOLDERS[type]} after.`);
        expect(counts, value).toEqual({ [type]: 1 });
      }
    });
  }

  it('redacts only the value of context-bound secrets', () => {
    for (const { text, secret } of CONTEXT_SECRETS) {
      const out = redactText(text);
      expect(out.text).not.toContain(secret);
      expect(out.text).toContain('[SECRET]');
      expect(out.counts).toEqual({ secret: 1 });
    }
  });

  it('leaves dates, ids, versions, times and bad checksums alone', () => {
    for (const text of BENIGN) expect(redactText(text), text).toEqual({ text, counts: {} });
  });

  it('counts several findings of several types in one text', () => {
    const { text, counts } = redactText('mail a@b.io or c@d.io, card 4111-1111-1111-1111, from 10.0.0.1');
    expect(text).toBe('mail [EMAIL] or [EMAIL], card [PAYMENT_CARD], from [IP_ADDRESS]');
    expect(counts).toEqual({ email: 2, payment_card: 1, ip_address: 1 });
  });

  it('keeps a valid IBAN followed by a capitalised word', () => {
    expect(redactText('pay NL91ABNA0417164300 TODAY').text).toBe('pay [IBAN] TODAY');
  });

  it('finds context-bound secrets whatever the case of their marker, after any other character', () => {
    const key = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const token = 'abc123.def456-ghi789_jklmnopq';
    const texts = [`AWS_SECRET_ACCESS_KEY=${key}`, `Secret_Key: "${key}"`, `é→ SECRETKEY = ${key}`, `BEARER ${token}`, `ünïcode bEaReR ${token}`];
    // A marker right after a non-word unit past U+00FF whose low 7 bits spell the marker's first
    // letter (ų, š, Ţ): the scan's word recogniser reads "ssec", "aaws", "bbea" and must still
    // see the marker, which the pattern finds at the word boundary.
    texts.push(`\u0173secret_key=${key}`, `\u0161aws_secret_access_key: ${key}`, `\u0162bearer ${token}`);
    // Past 16,384 units the scan reads a copy of its own.
    texts.push(`${'plain words '.repeat(2000)}AWS_SECRET_ACCESS_KEY=${key}`);
    for (const text of texts) {
      const out = redactText(text);
      expect(out.counts, text).toEqual({ secret: 1 });
      expect(out.text, text).toContain('[SECRET]');
    }
  });

  it('finds a finding that follows another one and its placeholder', () => {
    // The first replacement brings capitals and underscores the original text may not have had.
    const { text, counts } = redactText('ip 10.0.0.1 then 4111 1111 1111 1111 and me@x.io, 192.168.1.20');
    expect(text).toBe('ip [IP_ADDRESS] then [PAYMENT_CARD] and [EMAIL], [IP_ADDRESS]');
    expect(counts).toEqual({ email: 1, payment_card: 1, ip_address: 2 });
  });
});

describe('BuiltinSanitizer', () => {
  it('returns items in order with their ids, redacted text and finding counts', async () => {
    const out = await new BuiltinSanitizer().sanitize(
      [
        { id: 'a', text: 'reach me at jane@example.com' },
        { id: 'b', text: 'nothing here' },
      ],
      'redact',
    );
    expect(out).toEqual([
      { id: 'a', text: 'reach me at [EMAIL]', findings: [{ type: 'email', count: 1 }] },
      { id: 'b', text: 'nothing here', findings: [] },
    ]);
  });

  it('scans a text into a verdict and a risk score without returning the text', async () => {
    const s = new BuiltinSanitizer();
    expect(await s.scan('all clear')).toEqual({ safe: true, findings: [], risk_score: 0 });
    const risky = await s.scan('key ' + 'AKIA' + 'IOSFODNN7EXAMPLE and bob@example.com');
    expect(risky.safe).toBe(false);
    expect(risky.findings).toEqual([
      { type: 'email', count: 1 },
      { type: 'secret', count: 1 },
    ]);
    expect(risky.risk_score).toBe(riskScore(risky.findings));
    expect(risky.risk_score).toBeGreaterThan(0.9);
    expect(JSON.stringify(risky)).not.toContain('bob@example.com');
  });
});
