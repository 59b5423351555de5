import type { BlobInfo } from '../../ports/blob-store.js';
import type { TokenEncoding } from '../base-models.js';
import type { InvalidReason } from './example-validator.js';
import type { TokenStats } from './token-stats.js';

/** Counts a build keeps up to date while it runs (persisted periodically). */
export interface BuildProgress {
  readonly records_read: number;
  readonly records_written: number;
  readonly records_dropped: number;
}

/** One reason a build failed or was blocked. Never raw record text. */
export interface BuildReason {
  readonly code: string;
  readonly message: string;
  readonly details?: Record<string, unknown>;
}

/** What a build did, exactly: stored as the dataset's `report`. No raw finding text, ever. */
export interface BuildReport {
  readonly records_read: number;
  readonly records_written: number;
  readonly records_dropped: number;
  readonly validation: {
    readonly invalid: number;
    readonly by_reason: Partial<Record<InvalidReason, { readonly count: number; readonly sample_lines: readonly number[] }>>;
  };
  readonly sanitization: {
    readonly sanitizer: string;
    readonly policy: 'redact' | 'drop_record' | 'block';
    readonly records_with_findings: number;
    readonly records_dropped: number;
    readonly findings: Readonly<Record<string, number>>;
  };
  readonly dedup: {
    readonly exact_removed: number;
    readonly near_removed: number;
    readonly near_threshold: number | null;
    /**
     * Bytes the exact and near-duplicate indexes held at the end (their most: they only grow),
     * to compare with the limit (FTM_DATASET_DEDUP_MEMORY_MB). Absent from reports of builds made
     * before it was counted.
     */
    readonly index_bytes?: number;
  };
  readonly tokens: TokenStats & {
    readonly encoding: TokenEncoding;
    readonly max_tokens_per_example: number;
    readonly examples_over_limit: number;
    /** Tokens in the training file: what one epoch of fine-tuning is billed for. */
    readonly token_estimate: number;
  };
  readonly split: {
    readonly validation_split: number;
    readonly train_records: number;
    readonly validation_records: number;
  };
  /**
   * The lineage file (`GET /datasets/{id}/content?split=lineage`): one line per written record
   * with its split, line and the ids it came from. Only sources that know them write one
   * (`otel_spans`, `langfuse`).
   */
  readonly lineage?: { readonly records: number; readonly size_bytes: number; readonly sha256: string };
}

/** A written file: where, how big, its SHA-256 and how many examples it holds. */
export interface BuiltFile extends BlobInfo {
  readonly records: number;
}

/** The outcome of one build run. Files are present only when the status is `ready`. */
export interface DatasetBuildResult {
  readonly status: 'ready' | 'blocked' | 'failed';
  readonly reasons: readonly BuildReason[];
  readonly report: BuildReport;
  readonly train: BuiltFile | null;
  readonly validation: BuiltFile | null;
}
