import { z } from 'zod';

const Scalar = z.union([z.string().max(1024), z.number(), z.boolean()]);

/**
 * One condition on a span attribute kept at ingestion (a feedback score, a user tier, a route):
 * `eq`/`ne` compare JSON values, `gt`/`gte`/`lt`/`lte` numbers, `in` any of a list (or any element
 * of a list-valued attribute), `exists` its presence.
 */
export const SpanAttributeFilter = z
  .strictObject({
    key: z.string().min(1).max(256),
    op: z.enum(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'exists']),
    value: z.union([Scalar, z.array(Scalar).min(1).max(100)]).optional(),
  })
  .superRefine((f, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: 'custom', path: ['value'], message });
    if (f.op === 'exists') {
      if (f.value !== undefined) fail('exists takes no value');
    } else if (f.op === 'in') {
      if (!Array.isArray(f.value)) fail('in takes a list of values');
    } else if (f.op === 'eq' || f.op === 'ne') {
      if (f.value === undefined || Array.isArray(f.value)) fail(`${f.op} takes one value`);
    } else if (typeof f.value !== 'number') {
      fail(`${f.op} compares numbers`);
    }
  });
export type SpanAttributeFilter = z.infer<typeof SpanAttributeFilter>;

const names = z.array(z.string().min(1).max(200)).min(1).max(20);

/** Which received GenAI spans an `otel_spans` dataset reads. */
export const OtelSpanFilters = z.strictObject({
  /** Span start time, inclusive. */
  since: z.iso.datetime({ offset: true }).optional(),
  /** Span start time, exclusive. */
  until: z.iso.datetime({ offset: true }).optional(),
  /** The resource's `service.name`. */
  service_names: names.optional(),
  /** Requested or responding model (`gen_ai.request.model` / `gen_ai.response.model`). */
  models: names.optional(),
  /** `gen_ai.provider.name` (or `gen_ai.system`). */
  providers: names.optional(),
  operations: z
    .array(z.enum(['chat', 'text_completion', 'generate_content']))
    .min(1)
    .max(3)
    .optional(),
  /** Spans with any of these finish reasons. */
  finish_reasons: names.optional(),
  /** Every condition must hold. */
  attributes: z.array(SpanAttributeFilter).min(1).max(20).optional(),
  /** Keep this share of the matching spans, chosen by span id (the same spans on every rebuild). */
  sample_rate: z.number().gt(0).max(1).optional(),
  /** Stop after this many records. */
  max_records: z.number().int().positive().max(1_000_000).optional(),
});
export type OtelSpanFilters = z.infer<typeof OtelSpanFilters>;

/**
 * How a preference (DPO) dataset pairs answers from span feedback: a span whose
 * `correction_attribute` holds a corrected reply gives (correction ≻ the model's reply); spans
 * answering the same prompt whose `score_attribute` differs by at least `min_score_gap` give
 * (best ≻ worst).
 */
export const PreferenceFromFeedback = z
  .strictObject({
    score_attribute: z.string().min(1).max(256).optional(),
    correction_attribute: z.string().min(1).max(256).optional(),
    min_score_gap: z.number().gt(0).max(1_000_000).default(1),
  })
  .refine((p) => p.score_attribute !== undefined || p.correction_attribute !== undefined, {
    message: 'name a score_attribute, a correction_attribute or both',
    path: ['score_attribute'],
  });
export type PreferenceFromFeedback = z.infer<typeof PreferenceFromFeedback>;
