import { z } from 'zod';
import { ModelRef } from '../model-ref.js';
import { jsonSchemaProblem } from './json-schema-compiler.js';

const common = {
  name: z.string().trim().min(1).max(100).optional(),
  weight: z.number().min(0).max(1_000_000).default(1),
};
const Values = z.array(z.string().min(1).max(1000)).min(1).max(100);

/** Output equals the expected output after the chosen normalisation. */
export const ExactMatchGrader = z.strictObject({
  type: z.literal('exact_match'),
  ...common,
  normalize: z
    .strictObject({
      case_insensitive: z.boolean().optional(),
      trim: z.boolean().optional(),
      collapse_whitespace: z.boolean().optional(),
      strip_punctuation: z.boolean().optional(),
    })
    .optional(),
});
export const ContainsGrader = z.strictObject({ type: z.literal('contains'), ...common, values: Values, match: z.enum(['all', 'any']).default('all'), case_insensitive: z.boolean().optional() });
export const NotContainsGrader = z.strictObject({ type: z.literal('not_contains'), ...common, values: Values, case_insensitive: z.boolean().optional() });
export const RegexGrader = z
  .strictObject({
    type: z.literal('regex'),
    ...common,
    pattern: z.string().min(1).max(1000),
    flags: z
      .string()
      .max(8)
      .regex(/^[imsu]*$/, 'only the flags i, m, s and u')
      .optional(),
  })
  .superRefine((g, ctx) => {
    try {
      new RegExp(g.pattern, g.flags);
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['pattern'], message: `is not a valid regular expression: ${(error as Error).message.slice(0, 200)}` });
    }
  });
export const JsonValidGrader = z.strictObject({ type: z.literal('json_valid'), ...common });
export const JsonSchemaGrader = z.strictObject({ type: z.literal('json_schema'), ...common, schema: z.record(z.string(), z.unknown()).optional() }).superRefine((g, ctx) => {
  const problem = g.schema === undefined ? null : jsonSchemaProblem(g.schema);
  if (problem) ctx.addIssue({ code: 'custom', path: ['schema'], message: problem });
});
export const ToolCallMatchGrader = z.strictObject({ type: z.literal('tool_call_match'), ...common, argument_match: z.enum(['subset', 'exact']).default('subset') });
export const NumericToleranceGrader = z.strictObject({ type: z.literal('numeric_tolerance'), ...common, tolerance: z.number().min(0), relative: z.boolean().default(false) });
export const StringSimilarityGrader = z.strictObject({
  type: z.literal('string_similarity'),
  ...common,
  threshold: z.number().min(0).max(1),
  metric: z.enum(['levenshtein', 'jaccard']).default('levenshtein'),
});
export const ModelGradedGrader = z.strictObject({
  type: z.literal('model_graded'),
  ...common,
  judge_model: ModelRef,
  rubric: z.string().min(1).max(20_000),
  pass_score: z.number().min(0).max(1),
});
export const TrismSafetyGrader = z.strictObject({ type: z.literal('trism_safety'), ...common, max_risk_score: z.number().min(0).max(1).default(0) });
export const LatencyCeilingGrader = z.strictObject({ type: z.literal('latency_ceiling'), ...common, max_ms: z.number().int().min(1) });
export const CostCeilingGrader = z.strictObject({ type: z.literal('cost_ceiling'), ...common, max_usd: z.number().min(0) });

/** Every grader type, by its `type` (an unknown type is a 400 naming the field). */
export const GraderConfig = z.discriminatedUnion('type', [
  ExactMatchGrader,
  ContainsGrader,
  NotContainsGrader,
  RegexGrader,
  JsonValidGrader,
  JsonSchemaGrader,
  ToolCallMatchGrader,
  NumericToleranceGrader,
  StringSimilarityGrader,
  ModelGradedGrader,
  TrismSafetyGrader,
  LatencyCeilingGrader,
  CostCeilingGrader,
]);
export type GraderConfig = z.infer<typeof GraderConfig>;
export type GraderType = GraderConfig['type'];

/** A grader's name: its own, or its type. */
export const graderName = (g: Pick<GraderConfig, 'type' | 'name'>): string => g.name ?? g.type;

/** Graders that compare with the case's expected output, so every case they grade needs one. */
export const NEEDS_EXPECTED_OUTPUT: ReadonlySet<GraderType> = new Set(['exact_match', 'numeric_tolerance', 'string_similarity']);
