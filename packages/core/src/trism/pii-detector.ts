import { isIPv6 } from 'node:net';
import { cardPrefixPlausible, ibanValid, luhnValid, ssnValid } from './checksums.js';
import type { Finding, FindingType } from './sanitizer.js';

/** The placeholder a finding of each type is replaced with. */
export const PLACEHOLDERS: Readonly<Record<FindingType, string>> = {
  email: '[EMAIL]',
  phone: '[PHONE]',
  payment_card: '[PAYMENT_CARD]',
  iban: '[IBAN]',
  us_ssn: '[US_SSN]',
  ip_address: '[IP_ADDRESS]',
  secret: '[SECRET]',
};

interface Rule {
  readonly type: FindingType;
  /**
   * Cheap necessary condition that lets most texts skip the regex entirely; `digits` counts the
   * ASCII digits of the text before any rule ran (an upper bound afterwards: placeholders have none).
   */
  readonly worthTrying: (text: string, digits: number) => boolean;
  readonly pattern: RegExp;
  /** Given the match and its groups, the replacement, or null to keep the text (checksum failed). */
  readonly replace: (match: string, groups: readonly (string | undefined)[]) => string | null;
}

// Something every secret rule needs (case-folded: a superset of each rule's own trigger).
const SECRET_HINT = /PRIVATE KEY|eyJ|bearer|secret|aws|AKIA|ASIA|sk-|gh[pousr]_|github_pat_|xox[abposr]-|AIza|k_live_/i;
// Every alternative of the provider-key rule starts with one of these.
const SECRET_PREFIX = /AKIA|ASIA|sk-|gh[pousr]_|github_pat_|xox[abposr]-|AIza|k_live_/;
const whole =
  (type: FindingType) =>
  (): string =>
    PLACEHOLDERS[type];

// Order matters: secrets first (they contain digit runs other rules would bite into), then the
// structured numbers whose checksums are strongest, then phones, then IP addresses.
const RULES: readonly Rule[] = [
  {
    type: 'secret',
    worthTrying: (t) => t.includes('PRIVATE KEY-----'),
    pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----/g,
    replace: whole('secret'),
  },
  {
    type: 'secret',
    worthTrying: (t) => t.includes('eyJ'),
    pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
    replace: whole('secret'),
  },
  {
    type: 'secret',
    worthTrying: (t) => /bearer/i.test(t),
    pattern: /\b(Bearer\s+)[A-Za-z0-9._~+/-]{16,}=*/gi,
    replace: (_m, g) => `${g[0]}${PLACEHOLDERS.secret}`,
  },
  {
    type: 'secret',
    worthTrying: (t) => /secret|aws/i.test(t),
    pattern: /\b((?:aws_?)?secret_?(?:access_?)?key(?:_id)?["']?\s*[:=]\s*["']?)([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi,
    replace: (_m, g) => `${g[0]}${PLACEHOLDERS.secret}`,
  },
  {
    type: 'secret',
    worthTrying: (t) => SECRET_PREFIX.test(t),
    pattern:
      /\b(?:(?:AKIA|ASIA)[A-Z0-9]{16}|sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}|gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}|xox[abposr]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35}|[sr]k_live_[0-9A-Za-z]{16,})(?![A-Za-z0-9_-])/g,
    replace: whole('secret'),
  },
  {
    type: 'email',
    worthTrying: (t) => t.includes('@'),
    pattern: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9-])/g,
    replace: whole('email'),
  },
  {
    type: 'iban',
    worthTrying: (t, digits) => digits >= 2 && /[A-Z]{2}\d\d/.test(t),
    pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g,
    replace: (m) => {
      // The pattern is greedy; a trailing word in capitals may ride along, so retry shorter cuts.
      for (let end = m.length; end >= 15; end--) {
        if (end < m.length && m[end] !== ' ') continue;
        if (ibanValid(m.slice(0, end).replace(/ /g, ''))) return PLACEHOLDERS.iban + m.slice(end);
      }
      return null;
    },
  },
  {
    type: 'payment_card',
    worthTrying: (_t, digits) => digits >= 12,
    pattern: /(?<![\d.-])\d(?:[ -]?\d){12,18}(?![\d-]|\.\d)/g,
    replace: (m) => {
      const digits = m.replace(/[ -]/g, '');
      // A card number keeps one separator style; mixing both is more likely an id or a list.
      if (m.includes(' ') && m.includes('-')) return null;
      return luhnValid(digits) && cardPrefixPlausible(digits) ? PLACEHOLDERS.payment_card : null;
    },
  },
  {
    type: 'us_ssn',
    worthTrying: (_t, digits) => digits >= 9,
    pattern: /(?<![\d-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\d-])/g,
    replace: (_m, g) => (ssnValid(g[0]!, g[2]!, g[3]!) ? PLACEHOLDERS.us_ssn : null),
  },
  {
    type: 'phone',
    worthTrying: (t, digits) => digits >= 8 && t.includes('+'),
    // International E.164 written with a leading +: country code, then 6–14 more digits in groups.
    pattern: /(?<![\w+])\+[1-9]\d{0,2}(?:[ .-]?\(?\d{1,4}\)?){1,2}(?:[ .-]?\d{2,4}){1,4}(?![\w-]|\.\d)/g,
    replace: (m) => {
      const digits = m.replace(/\D/g, '').length;
      return digits >= 8 && digits <= 15 ? PLACEHOLDERS.phone : null;
    },
  },
  {
    type: 'phone',
    worthTrying: (_t, digits) => digits >= 10,
    // NANP needs punctuation: bare 10-digit runs are ids far more often than phone numbers, and
    // the 3-3-4 grouping never matches ISO dates (4-2-2) or dotted IPv4 addresses (≤3 per part).
    pattern: /(?<![\w.-])(?:1[ .-]?)?(?:\([2-9]\d{2}\)\s?|[2-9]\d{2}[ .-])[2-9]\d{2}[ .-]\d{4}(?![\w-]|\.\d)/g,
    replace: whole('phone'),
  },
  {
    type: 'ip_address',
    worthTrying: (t, digits) => digits >= 4 && /\d\.\d/.test(t),
    pattern: /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d]|\.\d)/g,
    replace: whole('ip_address'),
  },
  {
    type: 'ip_address',
    worthTrying: (t) => t.includes(':'),
    pattern: /(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{0,4}|(?:\d{1,3}\.){3}\d{1,3})(?![0-9A-Fa-f:])/g,
    replace: (m) => {
      // Requires some hex digits beside the colons so "::" or clock times like 12:30:45 stay.
      const groups = m.split(':').filter((g) => g.length > 0).length;
      return groups >= 2 && isIPv6(m) ? PLACEHOLDERS.ip_address : null;
    },
  },
];

/** Counts per finding type, in FINDING_TYPES order; zero-count types omitted. */
export type FindingCounts = Partial<Record<FindingType, number>>;

/** The redacted text and what was found in it. Pure and synchronous: safe in worker threads. */
export function redactText(text: string, counts: FindingCounts = {}): { text: string; counts: FindingCounts } {
  let out = text;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
  }
  // One scan for every secret rule's trigger; most texts contain none and skip all five.
  const secretHint = SECRET_HINT.test(text);
  for (const rule of RULES) {
    if (rule.type === 'secret' && !secretHint) continue;
    if (!rule.worthTrying(out, digits)) continue;
    out = out.replace(rule.pattern, (match: string, ...rest: unknown[]) => {
      // String.replace passes the groups, then offset, whole string (and named groups when present).
      const groups = rest.slice(0, -2) as (string | undefined)[];
      const replacement = rule.replace(match, groups);
      if (replacement === null) return match;
      counts[rule.type] = (counts[rule.type] ?? 0) + 1;
      return replacement;
    });
  }
  return { text: out, counts };
}

/** Turns counts into the port's finding list, in a stable order. */
export function countsToFindings(counts: FindingCounts): Finding[] {
  const findings: Finding[] = [];
  for (const type of Object.keys(PLACEHOLDERS) as FindingType[]) {
    const count = counts[type];
    if (count) findings.push({ type, count });
  }
  return findings;
}
