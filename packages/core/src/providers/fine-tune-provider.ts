import { z } from 'zod';
import { FineTuneMethodType, type ProviderCapabilities } from './provider-capabilities.js';

export type { ProviderCapabilities } from './provider-capabilities.js';

const auto = z.literal('auto');
const positiveIntOrAuto = z.union([auto, z.number().int().positive()]);
const positiveOrAuto = z.union([auto, z.number().positive()]);

/**
 * Hyperparameters of supervised fine-tuning; omitted ones mean the provider's default. The first
 * three are OpenAI's; the others are Together's (absolute learning rate, warm-up, checkpoints,
 * evaluations, LoRA or full training). Which ones a provider takes, and their ranges, are in its
 * capabilities.
 */
export const SupervisedHyperparameters = z
  .object({
    n_epochs: z.union([auto, z.number().int().min(1).max(50)]).optional(),
    batch_size: positiveIntOrAuto.optional(),
    learning_rate_multiplier: positiveOrAuto.optional(),
    learning_rate: z.number().positive().optional(),
    warmup_ratio: z.number().min(0).max(1).optional(),
    n_checkpoints: z.number().int().positive().optional(),
    n_evals: z.number().int().nonnegative().optional(),
    training_type: z.enum(['lora', 'full']).optional(),
    lora_r: z.number().int().positive().optional(),
    lora_alpha: z.number().int().positive().optional(),
    lora_dropout: z.number().min(0).lt(1).optional(),
  })
  .strict();
export type SupervisedHyperparameters = z.infer<typeof SupervisedHyperparameters>;

/** DPO adds `beta`, the weight of the penalty between policy and reference model. */
export const DpoHyperparameters = SupervisedHyperparameters.extend({ beta: positiveOrAuto.optional() }).strict();
export type DpoHyperparameters = z.infer<typeof DpoHyperparameters>;

/** Reinforcement fine-tuning hyperparameters as OpenAI documents them. */
export const ReinforcementHyperparameters = SupervisedHyperparameters.extend({
  compute_multiplier: positiveOrAuto.optional(),
  eval_interval: positiveIntOrAuto.optional(),
  eval_samples: positiveIntOrAuto.optional(),
  reasoning_effort: z.enum(['default', 'low', 'medium', 'high']).optional(),
}).strict();
export type ReinforcementHyperparameters = z.infer<typeof ReinforcementHyperparameters>;

/** The `method` object of a job: its type plus that type's hyperparameters (and RFT's grader). */
export const FineTuneMethod = z.discriminatedUnion('type', [
  z.object({ type: z.literal('supervised'), hyperparameters: SupervisedHyperparameters.default({}) }).strict(),
  z.object({ type: z.literal('dpo'), hyperparameters: DpoHyperparameters.default({}) }).strict(),
  z
    .object({
      type: z.literal('reinforcement'),
      hyperparameters: ReinforcementHyperparameters.default({}),
      grader: z.record(z.string(), z.unknown()),
    })
    .strict(),
]);
export type FineTuneMethod = z.infer<typeof FineTuneMethod>;

/** A provider's own job status (OpenAI's vocabulary, which the simulated provider shares). */
export type ProviderJobStatus = 'validating_files' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** What a provider says about one job, in provider-neutral form. */
export interface ProviderJob {
  readonly id: string;
  readonly status: ProviderJobStatus;
  /** The provider's own word for the status when it differs from `status` (Together's `compressing`). */
  readonly providerStatus?: string;
  readonly model: string;
  readonly fineTunedModel: string | null;
  readonly trainedTokens: number | null;
  readonly error: { readonly code: string | null; readonly message: string; readonly param: string | null } | null;
  readonly createdAt: Date;
  readonly finishedAt: Date | null;
  readonly estimatedFinish: Date | null;
  readonly trainingFile: string;
  readonly validationFile: string | null;
  readonly method: FineTuneMethodType;
  readonly hyperparameters: Readonly<Record<string, unknown>>;
  readonly metadata: Readonly<Record<string, string>>;
  readonly resultFiles: readonly string[];
  readonly seed: number | null;
}

/** One entry of a provider job's timeline. */
export interface ProviderEvent {
  readonly id: string;
  readonly createdAt: Date;
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly type: 'message' | 'metrics';
  readonly data: Readonly<Record<string, unknown>> | null;
}

/** A model snapshot saved during training (OpenAI keeps the last three epochs). */
export interface ProviderCheckpoint {
  readonly id: string;
  readonly createdAt: Date;
  readonly fineTunedModelCheckpoint: string;
  readonly stepNumber: number;
  readonly metrics: Readonly<Record<string, number>>;
}

/**
 * The bytes of a training file. `open` is called once per upload attempt so that a retried upload
 * re-reads the source instead of a consumed stream.
 */
export interface TrainingFileSource {
  open(): Promise<AsyncIterable<Uint8Array> | Iterable<Uint8Array>>;
  readonly sizeBytes?: number;
}

/** Input of {@link FineTuneProvider.createJob}. */
export interface CreateProviderJobInput {
  readonly model: string;
  readonly trainingFileId: string;
  readonly validationFileId?: string | null;
  readonly method: FineTuneMethod;
  readonly suffix?: string | null;
  readonly seed?: number | null;
  readonly metadata?: Readonly<Record<string, string>>;
  /**
   * Our job id. Sent as the Idempotency-Key and stored in metadata (`ftm_job_id`) so that
   * {@link FineTuneProvider.findJobByIdempotencyKey} can find the job after a crash.
   */
  readonly idempotencyKey: string;
}

/** What FTM knows of a job's earlier submission, for providers that cannot look it up by key. */
export interface ProviderJobLookupHint {
  /** The training file uploaded for this FTM job (uploaded once per job, recorded before the create). */
  readonly trainingFileId?: string | null;
}

/** Metadata key under which every adapter stores the FTM job id on the provider job. */
export const FTM_JOB_METADATA_KEY = 'ftm_job_id';

/**
 * A fine-tuning backend. Adapters translate to one provider's API; none of its wire types leak.
 * Every method may throw DependencyUnavailableError (unreachable), RateLimitedError (paced), or
 * ProviderRejectedError (the provider refused the request, with its message).
 */
export interface FineTuneProvider {
  /** Stable name stored on jobs (`openai`, `simulated`). */
  readonly name: string;
  /** True for the offline simulator, so the API can mark its jobs and models as simulated. */
  readonly simulated: boolean;
  capabilities(): ProviderCapabilities;
  uploadTrainingFile(source: TrainingFileSource, options: { readonly filename: string }): Promise<{ readonly id: string; readonly bytes: number }>;
  createJob(input: CreateProviderJobInput): Promise<ProviderJob>;
  /**
   * The provider job created earlier for this idempotency key, or null if none was. Providers
   * without idempotency keys or metadata (Together) match on the hint: the training file uploaded
   * for this FTM job.
   */
  findJobByIdempotencyKey(idempotencyKey: string, hint?: ProviderJobLookupHint): Promise<ProviderJob | null>;
  getJob(providerJobId: string): Promise<ProviderJob>;
  /** Events oldest first, after the given provider event id (exclusive) when set. */
  listEvents(providerJobId: string, options?: { readonly after?: string; readonly limit?: number }): Promise<readonly ProviderEvent[]>;
  listCheckpoints(providerJobId: string): Promise<readonly ProviderCheckpoint[]>;
  cancelJob(providerJobId: string): Promise<ProviderJob>;
  /**
   * The provider's own price estimate for a job on uploaded files, where it has one (Together);
   * null when it does not answer for this job. Never required: FTM's table estimate stands alone.
   */
  estimatePrice?(input: Omit<CreateProviderJobInput, 'idempotencyKey' | 'metadata'>): Promise<ProviderPriceEstimate | null>;
}

/** A provider's price estimate for one job. */
export interface ProviderPriceEstimate {
  readonly totalUsd: number;
  readonly trainTokens: number | null;
  readonly evalTokens: number | null;
  /** False when the provider says the account may not start the job (credit limit). */
  readonly allowedToProceed: boolean;
}

/** Whether a provider status is final. */
export function isTerminalProviderStatus(status: ProviderJobStatus): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'cancelled';
}
