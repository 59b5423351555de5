import { ValidationError } from '../shared/errors.js';
import { TOGETHER_BASE_MODELS } from '../providers/catalog/together-catalog.js';

/** Tokenizer encodings FTM counts with (gpt-tokenizer names). */
export type TokenEncoding = 'o200k_base' | 'cl100k_base';

/** What a base model means for a training file: its encoding and the per-example token limit. */
export interface BaseModelSpec {
  readonly encoding: TokenEncoding;
  readonly maxTokensPerExample: number;
}

// Per-example limits from OpenAI's fine-tuning guide ("Token limits"); matched by prefix, the
// longest prefix winning, so dated snapshots inherit their family's numbers.
const TABLE: readonly (readonly [prefix: string, spec: BaseModelSpec])[] = [
  ['gpt-4o-mini', { encoding: 'o200k_base', maxTokensPerExample: 65_536 }],
  ['gpt-4o', { encoding: 'o200k_base', maxTokensPerExample: 65_536 }],
  ['gpt-4.1-nano', { encoding: 'o200k_base', maxTokensPerExample: 65_536 }],
  ['gpt-4.1-mini', { encoding: 'o200k_base', maxTokensPerExample: 65_536 }],
  ['gpt-4.1', { encoding: 'o200k_base', maxTokensPerExample: 65_536 }],
  ['o4-mini', { encoding: 'o200k_base', maxTokensPerExample: 65_536 }],
  ['gpt-3.5-turbo-0613', { encoding: 'cl100k_base', maxTokensPerExample: 4_096 }],
  ['gpt-3.5-turbo', { encoding: 'cl100k_base', maxTokensPerExample: 16_385 }],
  ['gpt-4-0613', { encoding: 'cl100k_base', maxTokensPerExample: 8_192 }],
  ['babbage-002', { encoding: 'cl100k_base', maxTokensPerExample: 16_384 }],
  ['davinci-002', { encoding: 'cl100k_base', maxTokensPerExample: 16_384 }],
];

/** The base model a dataset targets when the request names none. */
export const DEFAULT_BASE_MODEL = 'gpt-4o-mini-2024-07-18';

/** Encoding and token limit for a base model; ValidationError naming the field when unknown. */
export function resolveBaseModel(model: string): BaseModelSpec {
  let best: readonly [string, BaseModelSpec] | undefined;
  for (const entry of TABLE) if (model.startsWith(entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
  if (!best) {
    // Together's open models (Llama, Qwen, Mistral) have tokenizers FTM does not ship: o200k counts
    // stand in for them as an estimate (within tens of percent), against the catalogue's per-example cap.
    const together = TOGETHER_BASE_MODELS.find((b) => b.id === model);
    if (together) return { encoding: 'o200k_base', maxTokensPerExample: together.maxTokensPerExample };
    throw new ValidationError(`base_model '${model}' is not a fine-tunable model FTM knows`, [
      { path: 'base_model', message: `use one of: ${TABLE.map(([p]) => p).join(', ')} (or a dated snapshot of one), or a Together base model such as ${TOGETHER_BASE_MODELS[0]!.id}` },
    ]);
  }
  return best[1];
}
