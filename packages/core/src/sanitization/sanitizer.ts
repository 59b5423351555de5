/** The kinds of sensitive data the TRiSM gate reports; each redacts to `[TYPE]` upper-cased. */
export const FINDING_TYPES = ['email', 'phone', 'payment_card', 'iban', 'us_ssn', 'ip_address', 'secret'] as const;
export type FindingType = (typeof FINDING_TYPES)[number];

/** How many of one kind were found. Never the matched text itself. */
export interface Finding {
  readonly type: string;
  readonly count: number;
}

/**
 * What a dataset does with a record that has findings: replace them with typed placeholders,
 * drop the record, or block the whole dataset.
 */
export type SanitizePolicy = 'redact' | 'drop_record' | 'block';

export interface SanitizeItem {
  readonly id: string;
  readonly text: string;
}

/** One item back from the sanitizer: the redacted text (unchanged when clean) and its findings. */
export interface SanitizedItem {
  readonly id: string;
  readonly text: string;
  readonly findings: readonly Finding[];
}

export interface ScanResult {
  readonly safe: boolean;
  readonly findings: readonly Finding[];
  /** 0 (nothing found) to 1 (certain exposure). */
  readonly risk_score: number;
}

/**
 * The TRiSM gate: the remote TRiSM service when configured, else the built-in detector.
 * `sanitize` returns the items in the order given, with the same ids.
 */
export interface Sanitizer {
  /** Names the implementation in reports ("builtin", "trism"). */
  readonly name: string;
  sanitize(items: readonly SanitizeItem[], policy: SanitizePolicy): Promise<readonly SanitizedItem[]>;
  scan(text: string): Promise<ScanResult>;
}

/** Adds counts of one finding list into a running tally (by type). */
export function addFindings(into: Map<string, number>, findings: readonly Finding[]): void {
  for (const f of findings) if (f.count > 0) into.set(f.type, (into.get(f.type) ?? 0) + f.count);
}

/** A tally as a sorted finding list (stable for reports and hashes). */
export function tallyToFindings(tally: ReadonlyMap<string, number>): Finding[] {
  return [...tally.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([type, count]) => ({ type, count }));
}
