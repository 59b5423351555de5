import { z } from 'zod';

const names = z.array(z.string().min(1).max(200)).min(1).max(20);
const scoreName = z.string().min(1).max(200);

/** Which Langfuse generations (observations of type GENERATION) a `langfuse` dataset reads. */
export const LangfuseFilters = z.strictObject({
  /** Observation names (any of). */
  names: names.optional(),
  /** Tags of the generation's trace: any of them, or all of them with `tags_match: 'all'`. */
  tags: names.optional(),
  tags_match: z.enum(['any', 'all']).default('any'),
  /** Langfuse user ids (any of). */
  user_ids: names.optional(),
  /** Langfuse environments (any of), e.g. `production`. */
  environments: names.optional(),
  /** Generation start time, inclusive. */
  since: z.iso.datetime({ offset: true }).optional(),
  /** Generation start time, exclusive. */
  until: z.iso.datetime({ offset: true }).optional(),
  /** Stop after this many records. */
  max_records: z.number().int().positive().max(1_000_000).optional(),
});
export type LangfuseFilters = z.infer<typeof LangfuseFilters>;

/**
 * Keep only well-scored generations: those whose NUMERIC score `name` (on the generation, else on
 * its trace; the mean when several) is at least `min_value`. Generations without it are dropped.
 */
export const LangfuseScoreFilter = z.strictObject({
  name: scoreName,
  min_value: z.number().min(-1_000_000).max(1_000_000),
});
export type LangfuseScoreFilter = z.infer<typeof LangfuseScoreFilter>;

/**
 * How a preference (DPO) dataset pairs Langfuse generations, as the `otel_spans` source does:
 * a CORRECTION score named `correction_score` gives (correction ≻ the model's reply), and
 * generations answering the same prompt whose NUMERIC `score` differs by at least
 * `min_score_gap` give (best ≻ worst).
 */
export const LangfusePreference = z
  .strictObject({
    score: scoreName.optional(),
    correction_score: scoreName.optional(),
    min_score_gap: z.number().gt(0).max(1_000_000).default(1),
  })
  .refine((p) => p.score !== undefined || p.correction_score !== undefined, { message: 'name a score, a correction_score or both', path: ['score'] });
export type LangfusePreference = z.infer<typeof LangfusePreference>;

/** Page size of the generation list (Langfuse allows up to 1000; scores are read per page). */
export const LANGFUSE_PAGE_SIZE = 50;
