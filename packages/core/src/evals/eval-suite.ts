import { z } from 'zod';
import type { Selectable } from 'kysely';
import { PageParams } from '../db/pagination.js';
import type { EvalCasesTable, EvalSuitesTable } from '../db/schema.js';
import { GraderConfig } from './graders/grader-config.js';
import { jsonSchemaProblem } from './graders/json-schema-compiler.js';

/** An eval_suites row as Kysely selects it. */
export type EvalSuiteRow = Selectable<EvalSuitesTable>;

const ToolCall = z.strictObject({
  id: z.string().min(1).max(200),
  type: z.literal('function'),
  function: z.strictObject({ name: z.string().min(1).max(128), arguments: z.string().max(100_000) }),
});

/** One chat turn of a case input (the contract's ChatMessage). */
export const ChatMessage = z.strictObject({
  role: z.enum(['system', 'user', 'assistant', 'tool']),
  content: z.string().max(1_000_000).nullable(),
  tool_calls: z.array(ToolCall).max(64).optional(),
  tool_call_id: z.string().min(1).max(200).optional(),
  name: z.string().min(1).max(200).optional(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

const JsonSchemaObject = z.record(z.string(), z.unknown()).superRefine((schema, ctx) => {
  const problem = jsonSchemaProblem(schema);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** The metadata map of the contract: ≤ 50 string pairs. */
const Metadata = z.record(z.string().min(1).max(64), z.string().max(500)).refine((m) => Object.keys(m).length <= 50, 'at most 50 metadata entries');

/** One case as a request carries it. */
export const EvalCaseInput = z.strictObject({
  input: z.strictObject({
    messages: z.array(ChatMessage).min(1).max(500),
    tools: z.array(z.record(z.string(), z.unknown())).max(128).optional(),
  }),
  expected_output: z.string().max(100_000).optional(),
  expected_tool_call: z.strictObject({ name: z.string().min(1).max(128), arguments: z.record(z.string(), z.unknown()).optional() }).optional(),
  expected_json_schema: JsonSchemaObject.optional(),
  tags: z.array(z.string().min(1).max(100)).max(20).default([]),
  graders: z.array(GraderConfig).max(50).optional(),
  metadata: Metadata.optional(),
});
export type EvalCaseInput = z.infer<typeof EvalCaseInput>;

/** Where a suite's cases come from: inline, or a ready dataset (the last assistant turn is expected). */
export const EvalCaseSource = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('inline'), cases: z.array(EvalCaseInput).min(1, 'a suite needs at least one case').max(100_000) }),
  z.strictObject({
    type: z.literal('dataset'),
    dataset_id: z.uuid(),
    split: z.enum(['train', 'validation']).default('validation'),
    max_cases: z.number().int().min(1).max(100_000).optional(),
  }),
]);
export type EvalCaseSource = z.infer<typeof EvalCaseSource>;

/** Which cases a run uses: all, or the top-K nearest to a query or a KB collection. */
export const SelectionStrategy = z
  .strictObject({
    type: z.enum(['static', 'vector_retrieval']),
    query: z.string().min(1).max(10_000).optional(),
    kb_collection: z.string().min(1).max(200).optional(),
    top_k: z.number().int().min(1).max(100_000).optional(),
  })
  .superRefine((s, ctx) => {
    if (s.type === 'static') {
      for (const k of ['query', 'kb_collection', 'top_k'] as const) if (s[k] !== undefined) ctx.addIssue({ code: 'custom', path: [k], message: 'only for vector_retrieval' });
      return;
    }
    if ((s.query === undefined) === (s.kb_collection === undefined)) ctx.addIssue({ code: 'custom', path: ['query'], message: 'vector_retrieval needs exactly one of query or kb_collection' });
    if (s.top_k === undefined) ctx.addIssue({ code: 'custom', path: ['top_k'], message: 'vector_retrieval needs top_k' });
  });
export type SelectionStrategy = z.infer<typeof SelectionStrategy>;

const Graders = z.array(GraderConfig).min(1, 'a suite needs at least one grader').max(50);

/** `POST /eval-suites` body. */
export const CreateEvalSuiteInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(5_000).optional(),
  project_id: z.uuid().optional(),
  cases: EvalCaseSource,
  graders: Graders,
  pass_threshold: z.number().min(0).max(1),
  selection_strategy: SelectionStrategy.default({ type: 'static' }),
  policy_profile: z.string().trim().min(1).max(100).optional(),
});
export type CreateEvalSuiteInput = z.infer<typeof CreateEvalSuiteInput>;

/** `POST /eval-suites/{id}/versions` body: omitted fields are copied from the parent version. */
export const CreateEvalSuiteVersionInput = z.strictObject({
  description: z.string().max(5_000).optional(),
  cases: EvalCaseSource.optional(),
  graders: Graders.optional(),
  pass_threshold: z.number().min(0).max(1).optional(),
  selection_strategy: SelectionStrategy.optional(),
  policy_profile: z.string().trim().min(1).max(100).nullable().optional(),
});
export type CreateEvalSuiteVersionInput = z.infer<typeof CreateEvalSuiteVersionInput>;

/** `GET /eval-suites` query. */
export const ListEvalSuitesInput = PageParams.extend({
  project_id: z.uuid().optional(),
  suite_group_id: z.uuid().optional(),
  name: z.string().min(1).max(200).optional(),
}).strict();
export type ListEvalSuitesInput = z.infer<typeof ListEvalSuitesInput>;

/** A suite version as the API returns it (the contract's EvalSuite). */
export interface EvalSuite {
  readonly id: string;
  readonly project_id: string | null;
  readonly name: string;
  readonly description: string | null;
  readonly version: number;
  readonly suite_group_id: string;
  readonly parent_suite_id: string | null;
  readonly source_dataset_id: string | null;
  readonly case_count: number;
  readonly graders: readonly GraderConfig[];
  readonly pass_threshold: number;
  readonly selection_strategy: SelectionStrategy;
  readonly policy_profile: string | null;
  readonly created_by: string;
  readonly created_at: string;
}

/** A case as the API returns it (the contract's EvalCase). */
export interface EvalCase {
  readonly id: string;
  readonly position: number;
  readonly input: { readonly messages: readonly ChatMessage[]; readonly tools?: readonly Record<string, unknown>[] };
  readonly expected_output: string | null;
  readonly expected_tool_call: { readonly name: string; readonly arguments?: Record<string, unknown> } | null;
  readonly expected_json_schema: Record<string, unknown> | null;
  readonly tags: readonly string[];
  readonly graders: readonly GraderConfig[];
  readonly metadata: Readonly<Record<string, string>>;
}

export type EvalCaseRow = Selectable<EvalCasesTable>;

const toIso = (v: Date | string): string => (v instanceof Date ? v : new Date(v)).toISOString();

/** Row → public suite. */
export function toEvalSuite(row: EvalSuiteRow): EvalSuite {
  return {
    id: row.id,
    project_id: row.project_id,
    name: row.name,
    description: row.description,
    version: row.version,
    suite_group_id: row.suite_group_id,
    parent_suite_id: row.parent_suite_id,
    source_dataset_id: row.source_dataset_id,
    case_count: row.case_count,
    graders: row.graders as unknown as GraderConfig[],
    pass_threshold: row.pass_threshold,
    selection_strategy: row.selection_strategy as unknown as SelectionStrategy,
    policy_profile: row.policy_profile,
    created_by: row.created_by,
    created_at: toIso(row.created_at),
  };
}

/** Row → public case. */
export function toEvalCase(row: EvalCaseRow): EvalCase {
  return {
    id: row.id,
    position: row.position,
    input: row.input as unknown as EvalCase['input'],
    expected_output: row.expected_output,
    expected_tool_call: row.expected_tool_call as EvalCase['expected_tool_call'],
    expected_json_schema: row.json_schema,
    tags: row.tags,
    graders: (row.graders ?? []) as unknown as GraderConfig[],
    metadata: row.metadata as Record<string, string>,
  };
}
