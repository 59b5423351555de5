import { z } from 'zod';
import { DEFAULT_BASE_MODEL } from './base-models.js';

/** The training-file formats a dataset can be built in. */
export const DatasetFormat = z.enum(['jsonl_chat', 'jsonl_prompt_completion', 'jsonl_preference']);
export type DatasetFormat = z.infer<typeof DatasetFormat>;

/** What the TRiSM gate does with a record that has findings. */
export const SanitizationConfig = z.object({ policy: z.enum(['redact', 'drop_record', 'block']).default('redact') });
export type SanitizationConfig = z.infer<typeof SanitizationConfig>;

/** Exact and near-duplicate removal; near uses MinHash/LSH at this Jaccard threshold. */
export const DedupConfig = z.object({
  exact: z.boolean().default(true),
  near: z.boolean().default(true),
  near_threshold: z.number().min(0.5).max(1).default(0.9),
});
export type DedupConfig = z.infer<typeof DedupConfig>;

/** The filters of an `orchestrator_traces` source (the Orchestrator's trace API query). */
export const TraceFilters = z.object({
  assistant_id: z.string().min(1).max(200).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  tags: z.array(z.string().min(1).max(100)).max(20).optional(),
  min_rating: z.number().min(-1).max(5).optional(),
  /** Stop after this many traces. */
  max_records: z.number().int().positive().max(1_000_000).optional(),
});
export type TraceFilters = z.infer<typeof TraceFilters>;

/** The options that decide what a build produces; hashed into `config_hash`. */
export const DatasetBuildConfig = z.object({
  format: DatasetFormat,
  base_model: z.string().min(1).max(200).default(DEFAULT_BASE_MODEL),
  sanitization: SanitizationConfig.default({ policy: 'redact' }),
  dedup: DedupConfig.default({ exact: true, near: true, near_threshold: 0.9 }),
  validation_split: z.number().min(0).max(0.5).default(0),
  /** Fail the build on the first invalid record instead of dropping it. */
  strict: z.boolean().default(false),
  /** Fewer kept examples than this fails the build (OpenAI requires at least 10). */
  min_examples: z.number().int().min(1).max(1_000_000).default(10),
});
export type DatasetBuildConfig = z.infer<typeof DatasetBuildConfig>;
