/**
 * Together AI's fine-tuning wire shapes (its published OpenAPI document, `togethercomputer/openapi`:
 * FileResponse, FinetuneResponse(Truncated), FinetuneListEvents, FinetuneListCheckpoints, the
 * estimate-price answer, ErrorData), parsed leniently: unknown fields are ignored so additive API
 * changes do not break us, and fields the document marks optional stay optional.
 */
import { z } from 'zod';

export const TogetherFile = z.object({
  id: z.string(),
  bytes: z.number().int().nonnegative().nullish(),
  filename: z.string().nullish(),
  purpose: z.string().nullish(),
});

/** Together's job statuses (FinetuneJobStatus). */
export const TogetherJobStatus = z.enum(['pending', 'queued', 'running', 'compressing', 'uploading', 'cancel_requested', 'cancelled', 'error', 'completed']);
export type TogetherJobStatus = z.infer<typeof TogetherJobStatus>;

export const TogetherEvent = z.object({
  created_at: z.string(),
  level: z.string().nullish(),
  message: z.string().nullish(),
  type: z.string().nullish(),
  step: z.number().nullish(),
  token_count: z.number().nullish(),
  checkpoint_path: z.string().nullish(),
  hash: z.string().nullish(),
});
export type TogetherEvent = z.infer<typeof TogetherEvent>;

const TrainingMethod = z.object({ method: z.string(), dpo_beta: z.number().nullish() }).passthrough();

/** A fine-tune job: `GET /fine-tunes/{id}` (full) and create/list/cancel (truncated) share these fields. */
export const TogetherFineTune = z.object({
  id: z.string(),
  status: TogetherJobStatus,
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
  model: z.string().nullish(),
  model_output_name: z.string().nullish(),
  suffix: z.string().nullish(),
  training_file: z.string().nullish(),
  validation_file: z.string().nullish(),
  n_epochs: z.number().nullish(),
  n_checkpoints: z.number().nullish(),
  n_evals: z.number().nullish(),
  batch_size: z.union([z.number(), z.string()]).nullish(),
  learning_rate: z.number().nullish(),
  warmup_ratio: z.number().nullish(),
  token_count: z.number().nullish(),
  random_seed: z.number().nullish(),
  training_method: TrainingMethod.nullish(),
  training_type: z.object({ type: z.string() }).passthrough().nullish(),
  events: z.array(TogetherEvent).nullish(),
});
export type TogetherFineTune = z.infer<typeof TogetherFineTune>;

export const TogetherJobList = z.object({ data: z.array(TogetherFineTune) });
export const TogetherEventList = z.object({ data: z.array(TogetherEvent) });
export const TogetherCheckpointList = z.object({
  data: z.array(z.object({ step: z.number().int(), created_at: z.string(), path: z.string(), checkpoint_type: z.string() })),
});

export const TogetherPriceEstimate = z.object({
  estimated_total_price: z.number(),
  allowed_to_proceed: z.boolean().nullish(),
  estimated_train_token_count: z.number().nullish(),
  estimated_eval_token_count: z.number().nullish(),
});

export const TogetherErrorBody = z.object({
  error: z.object({ message: z.string(), type: z.string().nullish(), param: z.string().nullish(), code: z.union([z.string(), z.number()]).nullish() }),
});
