import { isIPv6 } from 'node:net';
import { cardPrefixPlausible, ibanValid, luhnValid, ssnValid } from './checksums.js';
import { textUnits } from '../shared/text-units.js';
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
   * Cheap necessary condition that lets most texts skip the regex entirely, judged on one scan of
   * the original text (scanText): its character-class flags and ASCII digit count. Both stay an
   * upper bound as rules run, since a placeholder brings only capitals, brackets and underscores,
   * which redactText adds to the flags once it replaced anything.
   */
  readonly worthTrying: (flags: number, digits: number, text: string) => boolean;
  readonly pattern: RegExp;
  /** Given the match and its groups, the replacement, or null to keep the text (checksum failed). */
  readonly replace: (match: string, groups: readonly (string | undefined)[]) => string | null;
}

// Character classes scanText reports, one bit each.
const AT = 1;
const PLUS = 2;
const COLON = 4;
const DOT = 8;
const DASH_OR_UNDERSCORE = 16;
const UPPER = 32;
/** The text contains "aws", "sec" or "bea" in any case: a case-insensitive secret rule may match. */
const SECRET_WORD = 64;
/** Not a flag: the unit is an ASCII digit (scanText counts these). */
const DIGIT = 128;
// One entry per UTF-16 unit, so the scan needs no range check: its class bits, or DIGIT.
const CLASS = new Uint8Array(65_536);
CLASS[0x40] = AT;
CLASS[0x2b] = PLUS;
CLASS[0x3a] = COLON;
CLASS[0x2e] = DOT;
CLASS[0x2d] = DASH_OR_UNDERSCORE;
CLASS[0x5f] = DASH_OR_UNDERSCORE;
for (let c = 0x41; c <= 0x5a; c++) CLASS[c] = UPPER;
for (let c = 0x30; c <= 0x39; c++) CLASS[c] = DIGIT;
// What a placeholder can bring into a text.
const PLACEHOLDER_CLASSES = UPPER | DASH_OR_UNDERSCORE;

/**
 * A recogniser for SECRET_WORD's three words, run one unit at a time: states are the prefixes
 * of the words ("", "a", "aw", "s", "se", "b", "be") and FOUND, which never leaves. It reads the
 * low 7 bits of a unit, lower-cased: a non-ASCII unit may then look like a letter and raise a
 * false alarm, which only costs the regex test the flag asks for; no real match is missed.
 */
const SECRET_WORDS = ['aws', 'sec', 'bea'];
const PREFIXES = ['', ...new Set(SECRET_WORDS.flatMap((w) => [w.slice(0, 1), w.slice(0, 2)]))];
const FOUND = PREFIXES.length;
const SECRET_WORD_STEP = new Uint8Array((FOUND + 1) * 128);
for (let state = 0; state <= FOUND; state++) {
  for (let c = 0; c < 128; c++) {
    let next = FOUND;
    if (state < FOUND) {
      const seen = PREFIXES[state]! + String.fromCharCode(c | 0x20);
      if (!SECRET_WORDS.includes(seen)) {
        // The longest end of what was seen that is still a prefix of some word.
        let k = 0;
        while (!PREFIXES.includes(seen.slice(k))) k++;
        next = PREFIXES.indexOf(seen.slice(k));
      }
    }
    SECRET_WORD_STEP[(state << 7) | c] = next;
  }
}

/**
 * One pass over a text for every rule's trigger: character-class flags and the count of ASCII
 * digits (the low bits of the result carry the flags, the rest the count). A table lookup or two
 * per unit of a typed copy of the text and no branch on the character: this runs on every text of
 * every build (three times faster than charCodeAt with comparisons, and far more than the digit
 * loop plus case-insensitive regex it first replaced).
 */
function scanText(text: string): number {
  const n = text.length;
  const units = textUnits(text);
  // Tables as locals, as in every hot loop (see minhash.ts).
  const classes = CLASS;
  const step = SECRET_WORD_STEP;
  let flags = 0;
  let digits = 0;
  let state = 0;
  for (let i = 0; i < n; i++) {
    const c = units[i]!;
    const k = classes[c]!;
    flags |= k;
    digits += k >> 7;
    state = step[(state << 7) | (c & 127)]!;
  }
  return digits * 128 + (flags & 127) + (state === FOUND ? SECRET_WORD : 0);
}

// The case-sensitive secret triggers (the others are SECRET_WORD's).
const SECRET_CAPITALS = /PRIVATE KEY|eyJ|AKIA|ASIA|AIza/;
const SECRET_PUNCTUATED = /sk-|gh[pousr]_|github_pat_|xox[abposr]-|k_live_/;
// Every alternative of the provider-key rule starts with one of these.
const SECRET_PREFIX = /AKIA|ASIA|sk-|gh[pousr]_|github_pat_|xox[abposr]-|AIza|k_live_/;
const whole = (type: FindingType) => (): string => PLACEHOLDERS[type];
// Order matters: secrets first (they contain digit runs other rules would bite into), then the
// structured numbers whose checksums are strongest, then phones, then IP addresses.
const RULES: readonly Rule[] = [
  {
    type: 'secret',
    worthTrying: (f, _d, t) => (f & UPPER) !== 0 && t.includes('PRIVATE KEY-----'),
    pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----/g,
    replace: whole('secret'),
  },
  {
    type: 'secret',
    worthTrying: (f, _d, t) => (f & UPPER) !== 0 && t.includes('eyJ'),
    pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
    replace: whole('secret'),
  },
  {
    type: 'secret',
    worthTrying: (f, _d, t) => (f & SECRET_WORD) !== 0 && /bearer/i.test(t),
    pattern: /\b(Bearer\s+)[A-Za-z0-9._~+/-]{16,}=*/gi,
    replace: (_m, g) => `${g[0]}${PLACEHOLDERS.secret}`,
  },
  {
    type: 'secret',
    worthTrying: (f, _d, t) => (f & SECRET_WORD) !== 0 && /secret|aws/i.test(t),
    pattern: /\b((?:aws_?)?secret_?(?:access_?)?key(?:_id)?["']?\s*[:=]\s*["']?)([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi,
    replace: (_m, g) => `${g[0]}${PLACEHOLDERS.secret}`,
  },
  {
    type: 'secret',
    worthTrying: (_f, _d, t) => SECRET_PREFIX.test(t),
    pattern:
      /\b(?:(?:AKIA|ASIA)[A-Z0-9]{16}|sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}|gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}|xox[abposr]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35}|[sr]k_live_[0-9A-Za-z]{16,})(?![A-Za-z0-9_-])/g,
    replace: whole('secret'),
  },
  {
    type: 'email',
    worthTrying: (f) => (f & AT) !== 0,
    pattern: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9-])/g,
    replace: whole('email'),
  },
  {
    type: 'iban',
    worthTrying: (f, digits, t) => digits >= 2 && (f & UPPER) !== 0 && /[A-Z]{2}\d\d/.test(t),
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
    worthTrying: (_f, digits) => digits >= 12,
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
    worthTrying: (_f, digits) => digits >= 9,
    pattern: /(?<![\d-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\d-])/g,
    replace: (_m, g) => (ssnValid(g[0]!, g[2]!, g[3]!) ? PLACEHOLDERS.us_ssn : null),
  },
  {
    type: 'phone',
    worthTrying: (f, digits) => digits >= 8 && (f & PLUS) !== 0,
    // International E.164 written with a leading +: country code, then 6–14 more digits in groups.
    pattern: /(?<![\w+])\+[1-9]\d{0,2}(?:[ .-]?\(?\d{1,4}\)?){1,2}(?:[ .-]?\d{2,4}){1,4}(?![\w-]|\.\d)/g,
    replace: (m) => {
      const digits = m.replace(/\D/g, '').length;
      return digits >= 8 && digits <= 15 ? PLACEHOLDERS.phone : null;
    },
  },
  {
    type: 'phone',
    worthTrying: (_f, digits) => digits >= 10,
    // NANP needs punctuation: bare 10-digit runs are ids far more often than phone numbers, and
    // the 3-3-4 grouping never matches ISO dates (4-2-2) or dotted IPv4 addresses (≤3 per part).
    pattern: /(?<![\w.-])(?:1[ .-]?)?(?:\([2-9]\d{2}\)\s?|[2-9]\d{2}[ .-])[2-9]\d{2}[ .-]\d{4}(?![\w-]|\.\d)/g,
    replace: whole('phone'),
  },
  {
    type: 'ip_address',
    worthTrying: (f, digits, t) => digits >= 4 && (f & DOT) !== 0 && /\d\.\d/.test(t),
    pattern: /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d]|\.\d)/g,
    replace: whole('ip_address'),
  },
  {
    type: 'ip_address',
    worthTrying: (f) => (f & COLON) !== 0,
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
  const scan = scanText(text);
  let flags = scan & 127;
  const digits = scan >> 7;
  // One check for every secret rule's trigger; most texts have none and skip all five.
  const secretHint = (flags & SECRET_WORD) !== 0 || ((flags & UPPER) !== 0 && SECRET_CAPITALS.test(text)) || ((flags & DASH_OR_UNDERSCORE) !== 0 && SECRET_PUNCTUATED.test(text));
  let out = text;
  for (const rule of RULES) {
    if (rule.type === 'secret' && !secretHint) continue;
    if (!rule.worthTrying(flags, digits, out)) continue;
    const before = out;
    out = out.replace(rule.pattern, (match: string, ...rest: unknown[]) => {
      // String.replace passes the groups, then offset, whole string (and named groups when present).
      const groups = rest.slice(0, -2) as (string | undefined)[];
      const replacement = rule.replace(match, groups);
      if (replacement === null) return match;
      counts[rule.type] = (counts[rule.type] ?? 0) + 1;
      return replacement;
    });
    if (out !== before) flags |= PLACEHOLDER_CLASSES;
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
