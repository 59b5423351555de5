import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { BlobStore } from '../ports/blob-store.js';
import { readJsonLines } from '../datasets/build/line-reader.js';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors.js';
import type { RunnerToolCall } from '../runners/model-runner.js';
import type { SimulatedExample } from '../adapters/simulated/simulated-runner.js';
import type { ChatMessage, EvalCaseInput } from './eval-suite.js';

/** A built example split into what a model is asked and what it answered. */
export interface DatasetExample {
  readonly messages: ChatMessage[];
  readonly tools?: Record<string, unknown>[];
  readonly answer: { readonly content: string | null; readonly toolCalls: RunnerToolCall[] };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Text of a message `content`: a string, or the text parts of a content array. */
function textOf(content: unknown): string | null {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    const parts = content.filter((p) => isRecord(p) && p.type === 'text' && typeof p.text === 'string').map((p) => (p as { text: string }).text);
    return parts.length > 0 ? parts.join('') : null;
  }
  return null;
}

function toolCallsOf(value: unknown): RunnerToolCall[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((c, i) => {
    if (!isRecord(c) || !isRecord(c.function) || typeof c.function.name !== 'string') return [];
    const args = typeof c.function.arguments === 'string' ? c.function.arguments : JSON.stringify(c.function.arguments ?? {});
    return [{ id: typeof c.id === 'string' ? c.id : `call_${i}`, type: 'function' as const, function: { name: c.function.name, arguments: args } }];
  });
}

/** A dataset message reduced to the fields a case input allows. */
function toMessage(m: Record<string, unknown>): ChatMessage | null {
  const role = m.role;
  if (role !== 'system' && role !== 'user' && role !== 'assistant' && role !== 'tool') return null;
  const calls = toolCallsOf(m.tool_calls);
  return {
    role,
    content: textOf(m.content),
    ...(calls.length > 0 ? { tool_calls: calls } : {}),
    ...(typeof m.tool_call_id === 'string' ? { tool_call_id: m.tool_call_id } : {}),
    ...(typeof m.name === 'string' && m.name.length > 0 ? { name: m.name } : {}),
  };
}

/** One JSONL record of a built dataset as an example, or null when it has no answer to expect. */
export function parseDatasetExample(format: string, record: unknown): DatasetExample | null {
  if (!isRecord(record)) return null;
  if (format === 'jsonl_prompt_completion') {
    if (typeof record.prompt !== 'string' || typeof record.completion !== 'string') return null;
    return { messages: [{ role: 'user', content: record.prompt }], answer: { content: record.completion, toolCalls: [] } };
  }
  if (format === 'jsonl_preference') {
    const input = isRecord(record.input) ? record.input : null;
    const preferred = Array.isArray(record.preferred_output) ? record.preferred_output[0] : null;
    if (!input || !Array.isArray(input.messages) || !isRecord(preferred)) return null;
    const messages = input.messages
      .filter(isRecord)
      .map(toMessage)
      .filter((m): m is ChatMessage => m !== null);
    if (messages.length === 0) return null;
    return { messages, answer: { content: textOf(preferred.content), toolCalls: toolCallsOf(preferred.tool_calls) } };
  }
  if (!Array.isArray(record.messages)) return null;
  const all = record.messages.filter(isRecord);
  let last = -1;
  for (let i = all.length - 1; i >= 0; i--)
    if (all[i]!.role === 'assistant') {
      last = i;
      break;
    }
  if (last <= 0) return null;
  const messages = all
    .slice(0, last)
    .map(toMessage)
    .filter((m): m is ChatMessage => m !== null);
  const tools = Array.isArray(record.tools) ? record.tools.filter(isRecord) : undefined;
  return { messages, ...(tools && tools.length > 0 ? { tools } : {}), answer: { content: textOf(all[last]!.content), toolCalls: toolCallsOf(all[last]!.tool_calls) } };
}

/** The ready dataset row a suite or a simulated model reads (tenant-scoped). */
async function readyDataset(db: Kysely<DB>, tenantId: string, datasetId: string) {
  const row = await db
    .selectFrom('datasets')
    .select(['id', 'status', 'format', 'train_blob_key', 'validation_blob_key'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', datasetId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('dataset', datasetId);
  if (row.status !== 'ready') throw new ConflictError(`dataset ${datasetId} is ${row.status}, not ready`, 'dataset_not_ready');
  return row;
}

/** Streams the examples of one split of a ready dataset. */
export async function* datasetExamples(db: Kysely<DB>, blobs: BlobStore, tenantId: string, datasetId: string, split: 'train' | 'validation'): AsyncGenerator<DatasetExample> {
  const row = await readyDataset(db, tenantId, datasetId);
  const key = split === 'train' ? row.train_blob_key : row.validation_blob_key;
  if (!key) throw new ValidationError(`dataset ${datasetId} has no ${split} split`, [{ path: 'cases.split', message: `the dataset has no ${split} records` }]);
  for await (const line of readJsonLines(await blobs.get(key))) {
    let record: unknown;
    try {
      record = JSON.parse(line.text);
    } catch {
      continue; // a built file holds only valid JSON; anything else is not an example
    }
    const example = parseDatasetExample(row.format, record);
    if (example) yield example;
  }
}

/** Cases from a dataset split: its input, and the last assistant turn as the expected answer. */
export async function casesFromDataset(
  db: Kysely<DB>,
  blobs: BlobStore,
  tenantId: string,
  source: { dataset_id: string; split: 'train' | 'validation'; max_cases?: number | undefined },
): Promise<EvalCaseInput[]> {
  const cases: EvalCaseInput[] = [];
  for await (const ex of datasetExamples(db, blobs, tenantId, source.dataset_id, source.split)) {
    const call = ex.answer.toolCalls[0];
    let expectedToolCall: EvalCaseInput['expected_tool_call'];
    if (call) {
      try {
        const args: unknown = JSON.parse(call.function.arguments);
        expectedToolCall = { name: call.function.name, ...(isRecord(args) ? { arguments: args } : {}) };
      } catch {
        expectedToolCall = { name: call.function.name };
      }
    }
    cases.push({
      input: { messages: ex.messages, ...(ex.tools ? { tools: ex.tools } : {}) },
      ...(ex.answer.content !== null ? { expected_output: ex.answer.content } : {}),
      ...(expectedToolCall ? { expected_tool_call: expectedToolCall } : {}),
      tags: [],
    });
    if (source.max_cases !== undefined && cases.length >= source.max_cases) break;
  }
  if (cases.length === 0) throw new ValidationError('the dataset has no examples usable as cases', [{ path: 'cases.dataset_id', message: 'no example ends with an assistant answer' }]);
  return cases;
}

/**
 * What the simulated runner remembers of a fine-tuned model: the training split of the dataset
 * it was trained on, keyed by the last user turn.
 */
export function simulatedExampleLoader(db: Kysely<DB>, blobs: BlobStore): (trainedOn: { tenantId: string; datasetId: string }) => Promise<SimulatedExample[]> {
  return async ({ tenantId, datasetId }) => {
    const examples: SimulatedExample[] = [];
    for await (const ex of datasetExamples(db, blobs, tenantId, datasetId, 'train')) {
      const lastUser = [...ex.messages].reverse().find((m) => m.role === 'user');
      examples.push({ prompt: lastUser?.content ?? '', content: ex.answer.content, toolCalls: ex.answer.toolCalls });
    }
    return examples;
  };
}
