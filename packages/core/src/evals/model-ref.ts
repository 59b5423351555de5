import { z } from 'zod';

/** How a run (or a judge) names its model: base model, registered version, or provider id. */
export const ModelRef = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('base_model'), value: z.string().trim().min(1).max(128), provider: z.string().trim().min(1).max(64).optional() }),
  z.strictObject({ type: z.literal('ft_model_version'), value: z.uuid() }),
  z.strictObject({ type: z.literal('provider_model_id'), value: z.string().trim().min(1).max(256), provider: z.string().trim().min(1).max(64).optional() }),
]);
export type ModelRef = z.infer<typeof ModelRef>;
