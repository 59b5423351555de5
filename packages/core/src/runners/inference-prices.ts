import type { CompletionUsage } from './model-runner.js';

/** USD per million input and output tokens of one model, base and fine-tuned. */
export interface InferencePriceEntry {
  readonly model: string;
  readonly aliases?: readonly string[];
  readonly input: number;
  readonly output: number;
  /** Fine-tuned models of this base (`ft:<base>:…`) are billed at these rates. */
  readonly fineTuned?: { readonly input: number; readonly output: number };
}

/** A dated set of inference prices; eval runs store the version they used. */
export interface InferencePriceTable {
  readonly version: string;
  readonly source: string;
  readonly models: readonly InferencePriceEntry[];
}

/**
 * OpenAI's published per-token prices, standard tier (https://openai.com/api/pricing/, checked
 * 2025-08), including the higher rates of fine-tuned models. Simulated models are billed as the
 * OpenAI model they stand in for, so cost caps behave offline as they would online.
 */
export const OPENAI_INFERENCE_PRICES_2025_08: InferencePriceTable = {
  version: 'openai-inference-2025-08',
  source: 'https://openai.com/api/pricing/',
  models: [
    { model: 'gpt-4.1-2025-04-14', aliases: ['gpt-4.1'], input: 2, output: 8, fineTuned: { input: 3, output: 12 } },
    { model: 'gpt-4.1-mini-2025-04-14', aliases: ['gpt-4.1-mini'], input: 0.4, output: 1.6, fineTuned: { input: 0.8, output: 3.2 } },
    { model: 'gpt-4.1-nano-2025-04-14', aliases: ['gpt-4.1-nano'], input: 0.1, output: 0.4, fineTuned: { input: 0.2, output: 0.8 } },
    { model: 'gpt-4o-2024-08-06', aliases: ['gpt-4o'], input: 2.5, output: 10, fineTuned: { input: 3.75, output: 15 } },
    { model: 'gpt-4o-mini-2024-07-18', aliases: ['gpt-4o-mini'], input: 0.15, output: 0.6, fineTuned: { input: 0.3, output: 1.2 } },
    { model: 'gpt-3.5-turbo-0125', aliases: ['gpt-3.5-turbo'], input: 0.5, output: 1.5, fineTuned: { input: 3, output: 6 } },
    { model: 'o4-mini-2025-04-16', aliases: ['o4-mini'], input: 1.1, output: 4.4, fineTuned: { input: 4, output: 16 } },
  ],
};

/** The table used unless configuration supplies another. */
export const DEFAULT_INFERENCE_PRICES: InferencePriceTable = OPENAI_INFERENCE_PRICES_2025_08;

/** Per-million rates for a model id: base name, alias, or `ft:<base>:…` at the fine-tuned rate. */
export function findInferencePrice(table: InferencePriceTable, model: string): { input: number; output: number } | undefined {
  const fineTuned = model.startsWith('ft:');
  const base = fineTuned ? (model.split(':')[1] ?? model) : model;
  const entry = table.models.find((m) => m.model === base || m.aliases?.includes(base));
  if (!entry) return undefined;
  return fineTuned && entry.fineTuned ? entry.fineTuned : { input: entry.input, output: entry.output };
}

/** Cost of one call in USD (six decimals, as money is stored); 0 for a model without a price. */
export function inferenceCostUsd(table: InferencePriceTable, model: string, usage: CompletionUsage): number {
  const price = findInferencePrice(table, model);
  if (!price) return 0;
  return roundUsd((usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000);
}

/** Money is numeric(14,6): keep six decimals. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1_000_000) / 1_000_000;
}
