import { countsToFindings, redactText, type FindingCounts } from './pii-detector.js';
import type { Finding, SanitizedItem, SanitizeItem, SanitizePolicy, Sanitizer, ScanResult } from './sanitizer.js';

// How much one finding of each type raises the risk score: a leaked secret is an incident on its
// own, identity and payment numbers nearly so, contact details and addresses much less.
const RISK_WEIGHT: Readonly<Record<string, number>> = {
  secret: 0.9,
  payment_card: 0.7,
  us_ssn: 0.7,
  iban: 0.6,
  email: 0.3,
  phone: 0.3,
  ip_address: 0.1,
};

/** Combines findings into 0..1 as independent risks: 1 − Π(1 − w)^count. */
export function riskScore(findings: readonly Finding[]): number {
  let clean = 1;
  for (const f of findings) clean *= (1 - (RISK_WEIGHT[f.type] ?? 0.5)) ** f.count;
  return Math.round((1 - clean) * 1000) / 1000;
}

/**
 * The local stand-in for TRiSM: a real detector/redactor for emails, phones, cards (Luhn), IBANs
 * (mod 97), US SSNs, IP addresses and secrets. The redacted text is always returned; what the
 * policy does with a record that has findings (keep redacted, drop, block) is the caller's call.
 */
export class BuiltinSanitizer implements Sanitizer {
  readonly name = 'builtin';

  async sanitize(items: readonly SanitizeItem[], _policy: SanitizePolicy): Promise<readonly SanitizedItem[]> {
    return items.map((item) => {
      const { text, counts } = redactText(item.text);
      return { id: item.id, text, findings: countsToFindings(counts) };
    });
  }

  async scan(text: string): Promise<ScanResult> {
    const counts: FindingCounts = {};
    redactText(text, counts);
    const findings = countsToFindings(counts);
    return { safe: findings.length === 0, findings, risk_score: riskScore(findings) };
  }
}
