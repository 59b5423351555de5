/**
 * The OpenAI fine-tuning API's wire shapes (API reference: files, fine_tuning.job,
 * fine_tuning.job.event, fine_tuning.job.checkpoint, error bodies), parsed leniently: unknown
 * fields are ignored so additive API changes do not break us.
 */
import { z } from 'zod';

const unixSeconds = z.number().int().nonnegative();

export const OpenAiFile = z.object({
  id: z.string(),
  object: z.literal('file'),
  bytes: z.number().int().nonnegative(),
  created_at: unixSeconds,
  filename: z.string(),
  purpose: z.string(),
});
export type OpenAiFile = z.infer<typeof OpenAiFile>;

const hyperparameterValue = z.union([z.literal('auto'), z.string(), z.number()]);

export const OpenAiJobError = z.object({
  code: z.string().nullish(),
  message: z.string().nullish(),
  param: z.string().nullish(),
});

export const OpenAiFineTuningJob = z.object({
  id: z.string(),
  object: z.literal('fine_tuning.job'),
  created_at: unixSeconds,
  error: OpenAiJobError.nullish(),
  fine_tuned_model: z.string().nullish(),
  finished_at: unixSeconds.nullish(),
  hyperparameters: z.record(z.string(), hyperparameterValue).nullish(),
  model: z.string(),
  organization_id: z.string().nullish(),
  result_files: z.array(z.string()).default([]),
  status: z.enum(['validating_files', 'queued', 'running', 'succeeded', 'failed', 'cancelled']),
  trained_tokens: z.number().int().nullish(),
  training_file: z.string(),
  validation_file: z.string().nullish(),
  integrations: z.array(z.unknown()).nullish(),
  seed: z.number().int().nullish(),
  estimated_finish: unixSeconds.nullish(),
  method: z
    .object({
      type: z.enum(['supervised', 'dpo', 'reinforcement']),
      supervised: z.object({ hyperparameters: z.record(z.string(), hyperparameterValue).nullish() }).nullish(),
      dpo: z.object({ hyperparameters: z.record(z.string(), hyperparameterValue).nullish() }).nullish(),
      reinforcement: z
        .object({ hyperparameters: z.record(z.string(), hyperparameterValue).nullish() })
        .passthrough()
        .nullish(),
    })
    .nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
});
export type OpenAiFineTuningJob = z.infer<typeof OpenAiFineTuningJob>;

export const OpenAiJobEvent = z.object({
  id: z.string(),
  object: z.literal('fine_tuning.job.event'),
  created_at: unixSeconds,
  level: z.enum(['info', 'warn', 'error']),
  message: z.string(),
  data: z.record(z.string(), z.unknown()).nullish(),
  type: z.enum(['message', 'metrics']).nullish(),
});

export const OpenAiCheckpoint = z.object({
  id: z.string(),
  object: z.literal('fine_tuning.job.checkpoint'),
  created_at: unixSeconds,
  fine_tuned_model_checkpoint: z.string(),
  fine_tuning_job_id: z.string(),
  metrics: z.record(z.string(), z.number()).default({}),
  step_number: z.number().int(),
});

/** `{ object: 'list', data, has_more }`, the envelope of every list endpoint. */
export function openAiList<T extends z.ZodType>(item: T) {
  return z.object({ object: z.literal('list'), data: z.array(item), has_more: z.boolean().default(false) });
}

export const OpenAiErrorBody = z.object({
  error: z.object({
    message: z.string(),
    type: z.string().nullish(),
    param: z.string().nullish(),
    code: z.union([z.string(), z.number()]).nullish(),
  }),
});
