import type { FineTuneMethodType } from './provider-capabilities.js';
import { findModelPrice, trainingPriceOf, type PriceTable } from './price-table.js';
import type { TrainingType } from './provider-capabilities.js';

const TARGET_EPOCHS = 3;
const MIN_TARGET_EXAMPLES = 100;
const MAX_TARGET_EXAMPLES = 25_000;
const MIN_DEFAULT_EPOCHS = 1;
const MAX_DEFAULT_EPOCHS = 25;
/** Used when the base model is not in the table: the smallest context any current model trains on. */
const FALLBACK_MAX_TOKENS_PER_EXAMPLE = 16_385;

/**
 * The epochs a provider picks for `n_epochs: auto` (OpenAI's published rule): 3, raised for tiny
 * datasets and lowered for big ones so examples × epochs stays within 100..25,000, in 1..25.
 */
export function autoEpochs(exampleCount: number): number {
  if (exampleCount <= 0) return TARGET_EPOCHS;
  if (exampleCount * TARGET_EPOCHS < MIN_TARGET_EXAMPLES) {
    return Math.min(MAX_DEFAULT_EPOCHS, Math.floor(MIN_TARGET_EXAMPLES / exampleCount));
  }
  if (exampleCount * TARGET_EPOCHS > MAX_TARGET_EXAMPLES) {
    return Math.max(MIN_DEFAULT_EPOCHS, Math.floor(MAX_TARGET_EXAMPLES / exampleCount));
  }
  return TARGET_EPOCHS;
}

/** Token statistics of a training file: exact per-example counts when known, else totals. */
export type TrainingTokenStats = { readonly perExampleTokens: readonly number[] } | { readonly exampleCount: number; readonly totalTokens: number };

/** Input of {@link estimateTrainingCost}. */
export interface CostEstimateInput {
  readonly model: string;
  readonly method: FineTuneMethodType;
  /** A number, or `auto`/undefined for the provider's rule. */
  readonly nEpochs?: number | 'auto';
  readonly tokens: TrainingTokenStats;
  readonly priceTable: PriceTable;
  /** Full fine-tuning is priced apart where the provider offers the choice (Together); LoRA otherwise. */
  readonly trainingType?: TrainingType;
}

/** A cost estimate and everything it was computed from, stored with the job. */
export interface CostEstimate {
  /** Null when the model/method is not billed per token (RFT) or not in the price table. */
  readonly estimatedCostUsd: number | null;
  readonly epochs: number;
  readonly exampleCount: number;
  readonly billableTokensPerEpoch: number;
  readonly estimatedTrainedTokens: number;
  readonly usdPer1mTokens: number | null;
  readonly priceTableVersion: string;
  readonly note?: string;
}

/**
 * epochs × Σ min(limit, tokens per example) × price per token. With only totals, each example is
 * assumed to be average length, which is exact unless some examples exceed the limit.
 */
export function estimateTrainingCost(input: CostEstimateInput): CostEstimate {
  const entry = findModelPrice(input.priceTable, input.model);
  const limit = entry?.maxTokensPerExample ?? FALLBACK_MAX_TOKENS_PER_EXAMPLE;
  let exampleCount: number;
  let perEpoch: number;
  if ('perExampleTokens' in input.tokens) {
    exampleCount = input.tokens.perExampleTokens.length;
    perEpoch = input.tokens.perExampleTokens.reduce((sum, n) => sum + Math.min(limit, Math.max(0, n)), 0);
  } else {
    exampleCount = input.tokens.exampleCount;
    perEpoch = Math.min(input.tokens.totalTokens, exampleCount * limit);
  }
  const epochs = typeof input.nEpochs === 'number' ? input.nEpochs : (entry?.defaultEpochs ?? autoEpochs(exampleCount));
  const trained = epochs * perEpoch;
  const price = entry ? trainingPriceOf(entry, input.method, input.trainingType) : undefined;
  const base = { epochs, exampleCount, billableTokensPerEpoch: perEpoch, estimatedTrainedTokens: trained, priceTableVersion: input.priceTable.version };
  if (!entry) return { ...base, estimatedCostUsd: null, usdPer1mTokens: null, note: `no price for base model ${input.model}` };
  if (!price) return { ...base, estimatedCostUsd: null, usdPer1mTokens: null, note: `${input.model} has no ${input.method} price` };
  if (price.unit !== 'per_1m_training_tokens') {
    return { ...base, estimatedCostUsd: null, usdPer1mTokens: null, note: `${input.method} on ${input.model} is billed per training hour` };
  }
  return { ...base, estimatedCostUsd: roundUsd((trained / 1_000_000) * price.usd), usdPer1mTokens: price.usd };
}

/** The actual cost from the trained tokens the provider reports; null when not token-billed. */
export function actualTrainingCost(priceTable: PriceTable, model: string, method: FineTuneMethodType, trainedTokens: number, trainingType?: TrainingType): number | null {
  const entry = findModelPrice(priceTable, model);
  const price = entry ? trainingPriceOf(entry, method, trainingType) : undefined;
  if (!price || price.unit !== 'per_1m_training_tokens') return null;
  return roundUsd((trainedTokens / 1_000_000) * price.usd);
}

/** Money is stored as numeric(14,6): keep six decimals. */
function roundUsd(usd: number): number {
  return Math.round(usd * 1_000_000) / 1_000_000;
}
