import type { OtlpAttributes } from './otlp/otlp-span.js';

/** `gen_ai.operation.name` values of model inference (the GenAI conventions' inference span). */
export const INFERENCE_OPERATIONS = ['chat', 'text_completion', 'generate_content'] as const;
export type InferenceOperation = (typeof INFERENCE_OPERATIONS)[number];

const INFERENCE = new Set<string>(INFERENCE_OPERATIONS);

/**
 * The inference operation a span records, or null when it is anything else (HTTP, database,
 * embeddings, tool execution, agent spans…). Read from `gen_ai.operation.name`; spans of
 * instrumentations that predate it are recognised by OpenLLMetry's `llm.request.type`
 * (`chat`, `completion`) or, lacking both, by GenAI request attributes (`gen_ai.request.model`,
 * `gen_ai.system`, `gen_ai.provider.name`), and counted as chat. Called on every received span,
 * so it only looks up a few keys.
 */
export function inferenceOperation(attributes: OtlpAttributes): InferenceOperation | null {
  const op = attributes['gen_ai.operation.name'];
  if (typeof op === 'string') return INFERENCE.has(op) ? (op as InferenceOperation) : null;
  const type = attributes['llm.request.type'];
  if (typeof type === 'string') return type === 'chat' ? 'chat' : type === 'completion' ? 'text_completion' : null;
  const genAi = attributes['gen_ai.request.model'] !== undefined || attributes['gen_ai.system'] !== undefined || attributes['gen_ai.provider.name'] !== undefined;
  return genAi ? 'chat' : null;
}

/** The decoders' keep predicate: inference spans only; everything else is dropped undecoded. */
export const isInferenceSpan = (attributes: OtlpAttributes): boolean => inferenceOperation(attributes) !== null;
