import { FINDING_TYPES } from '../../sanitization/sanitizer.js';
import type { BaseModelSpec } from '../base-models.js';
import type { BuildProgress, BuildReport } from './build-report.js';
import type { DatasetBuildConfig } from '../dataset-config.js';
import type { InvalidReason } from './example-validator.js';
import { TokenStatsAccumulator } from './token-stats.js';

const SAMPLE_LINES = 5;

/** The running counts of a build, turned into its report at the end. */
export class BuildTally {
  read = 0;
  written = 0;
  trainRecords = 0;
  validationRecords = 0;
  invalid = 0;
  recordsWithFindings = 0;
  piiDropped = 0;
  exactRemoved = 0;
  nearRemoved = 0;
  /** Bytes the dedup indexes hold (the build updates it after every batch). */
  dedupIndexBytes = 0;
  trainTokens = 0;
  readonly byReason = new Map<InvalidReason, { count: number; sample_lines: number[] }>();
  readonly findings = new Map<string, number>();
  readonly tokens = new TokenStatsAccumulator();

  constructor(
    readonly config: DatasetBuildConfig,
    readonly model: BaseModelSpec,
    readonly sanitizerName: string,
  ) {}

  get dropped(): number {
    return this.invalid + this.piiDropped + this.exactRemoved + this.nearRemoved;
  }

  invalidRecord(reason: InvalidReason, line: number): void {
    this.invalid += 1;
    let entry = this.byReason.get(reason);
    if (!entry) this.byReason.set(reason, (entry = { count: 0, sample_lines: [] }));
    entry.count += 1;
    if (entry.sample_lines.length < SAMPLE_LINES) entry.sample_lines.push(line);
  }

  /** Adds one record's finding counts (FINDING_TYPES order, or by name); true when any. */
  addFindings(counts: ArrayLike<number> | ReadonlyMap<string, number>, offset = 0): boolean {
    let any = false;
    if (counts instanceof Map) {
      for (const [type, count] of counts) {
        if (count > 0) {
          any = true;
          this.findings.set(type, (this.findings.get(type) ?? 0) + count);
        }
      }
    } else {
      const arr = counts as ArrayLike<number>;
      for (let k = 0; k < FINDING_TYPES.length; k++) {
        const count = arr[offset + k]!;
        if (count > 0) {
          any = true;
          this.findings.set(FINDING_TYPES[k]!, (this.findings.get(FINDING_TYPES[k]!) ?? 0) + count);
        }
      }
    }
    if (any) this.recordsWithFindings += 1;
    return any;
  }

  /**
   * Adds counts found before the build (a source that sanitized its records, like received spans);
   * true when any. `counted`: the record was already counted as having findings.
   */
  addPriorFindings(counts: Readonly<Record<string, number>>, counted: boolean): boolean {
    let any = false;
    for (const [type, count] of Object.entries(counts)) {
      if (count > 0) {
        any = true;
        this.findings.set(type, (this.findings.get(type) ?? 0) + count);
      }
    }
    if (any && !counted) this.recordsWithFindings += 1;
    return any;
  }

  progress(): BuildProgress {
    return { records_read: this.read, records_written: this.written, records_dropped: this.dropped };
  }

  report(): BuildReport {
    const byReason: Record<string, { count: number; sample_lines: number[] }> = {};
    for (const [reason, entry] of [...this.byReason].sort(([a], [b]) => a.localeCompare(b))) byReason[reason] = entry;
    const findings: Record<string, number> = {};
    for (const [type, count] of [...this.findings].sort(([a], [b]) => a.localeCompare(b))) findings[type] = count;
    return {
      records_read: this.read,
      records_written: this.written,
      records_dropped: this.dropped,
      validation: { invalid: this.invalid, by_reason: byReason },
      sanitization: {
        sanitizer: this.sanitizerName,
        policy: this.config.sanitization.policy,
        records_with_findings: this.recordsWithFindings,
        records_dropped: this.piiDropped,
        findings,
      },
      dedup: {
        exact_removed: this.exactRemoved,
        near_removed: this.nearRemoved,
        near_threshold: this.config.dedup.near ? this.config.dedup.near_threshold : null,
        index_bytes: this.dedupIndexBytes,
      },
      tokens: {
        ...this.tokens.snapshot(),
        encoding: this.model.encoding,
        max_tokens_per_example: this.model.maxTokensPerExample,
        examples_over_limit: this.byReason.get('too_many_tokens')?.count ?? 0,
        token_estimate: this.trainTokens,
      },
      split: { validation_split: this.config.validation_split, train_records: this.trainRecords, validation_records: this.validationRecords },
    };
  }
}
