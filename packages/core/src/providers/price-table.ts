import type { BaseModelOffer, FineTuneMethodType, TrainingPrice } from './provider-capabilities.js';
import { OPENAI_BASE_MODELS } from './catalog/openai-catalog.js';
import { TOGETHER_BASE_MODELS } from './catalog/together-catalog.js';

/** One base model's fine-tuning prices and the largest example (in tokens) it trains on. */
export interface ModelPriceEntry {
  readonly model: string;
  /** Dated snapshots and aliases that resolve to this entry (`gpt-4o-mini` → `gpt-4o-mini-2024-07-18`). */
  readonly aliases?: readonly string[];
  readonly maxTokensPerExample: number;
  /** Prices per method (LoRA where the provider offers a choice). */
  readonly methods: Readonly<Partial<Record<FineTuneMethodType, TrainingPrice>>>;
  /** Prices per method for full fine-tuning, where they differ from `methods`. */
  readonly fullTraining?: Readonly<Partial<Record<FineTuneMethodType, TrainingPrice>>>;
  /** Epochs trained when none are given; absent means OpenAI's `auto` rule. */
  readonly defaultEpochs?: number;
}

/** A dated, versioned set of prices; estimates store the version they used. */
export interface PriceTable {
  readonly version: string;
  readonly effectiveFrom: string;
  readonly source: string;
  readonly models: readonly ModelPriceEntry[];
}

/** The price entries of a provider's base model offers. */
export function priceEntriesOf(offers: readonly BaseModelOffer[]): ModelPriceEntry[] {
  return offers.map((o) => ({
    model: o.id,
    ...(o.aliases ? { aliases: o.aliases } : {}),
    maxTokensPerExample: o.maxTokensPerExample,
    methods: o.trainingPrices,
    ...(o.fullTrainingPrices ? { fullTraining: o.fullTrainingPrices } : {}),
    ...(o.defaultEpochs !== undefined ? { defaultEpochs: o.defaultEpochs } : {}),
  }));
}

/**
 * OpenAI's published fine-tuning training prices (https://openai.com/api/pricing/, standard tier,
 * checked 2025-08), from its catalogue (`catalog/openai-catalog.ts`).
 */
export const OPENAI_PRICE_TABLE_2025_08: PriceTable = {
  version: 'openai-2025-08',
  effectiveFrom: '2025-08-01',
  source: 'https://openai.com/api/pricing/',
  models: priceEntriesOf(OPENAI_BASE_MODELS),
};

/** Together's fine-tuning prices by size bracket, method and training type (`catalog/together-catalog.ts`). */
export const TOGETHER_PRICE_TABLE_2025: PriceTable = {
  version: 'together-2025',
  effectiveFrom: '2025-01-01',
  source: 'https://www.together.ai/pricing',
  models: priceEntriesOf(TOGETHER_BASE_MODELS),
};

/** One table holding several providers' entries (their model names do not overlap). */
export function combinePriceTables(...tables: readonly PriceTable[]): PriceTable {
  return {
    version: tables.map((t) => t.version).join('+'),
    effectiveFrom:
      tables
        .map((t) => t.effectiveFrom)
        .sort()
        .at(-1) ?? '',
    source: tables.map((t) => t.source).join(' ; '),
    models: tables.flatMap((t) => t.models),
  };
}

/** The table used unless configuration supplies another: OpenAI's and Together's prices. */
export const DEFAULT_PRICE_TABLE: PriceTable = combinePriceTables(OPENAI_PRICE_TABLE_2025_08, TOGETHER_PRICE_TABLE_2025);

/** Overrides from configuration: whole entries replace the built-in entry of the same model. */
export interface PriceTableOverride {
  readonly version: string;
  readonly models: readonly ModelPriceEntry[];
}

/** A new table whose entries from `override` win over `base`; the version names both. */
export function withPriceOverrides(base: PriceTable, override: PriceTableOverride): PriceTable {
  const replaced = new Set(override.models.map((m) => m.model));
  // An override without aliases keeps the built-in ones, so `gpt-4o-mini` still finds it.
  const merged = override.models.map((m) => ({ ...m, aliases: m.aliases ?? base.models.find((b) => b.model === m.model)?.aliases }));
  return {
    version: `${base.version}+${override.version}`,
    effectiveFrom: base.effectiveFrom,
    source: `${base.source} (overridden by configuration)`,
    models: [...base.models.filter((m) => !replaced.has(m.model)), ...merged],
  };
}

/**
 * The entry for a base model: exact name, alias, or a fine-tuned model id (`ft:<base>:…`) whose
 * base is known, so continuing to train a fine-tuned model is priced like its base.
 */
export function findModelPrice(table: PriceTable, model: string): ModelPriceEntry | undefined {
  const base = model.startsWith('ft:') ? (model.split(':')[1] ?? model) : model;
  return table.models.find((m) => m.model === base || m.aliases?.includes(base));
}

/** The price of a method on an entry, for full fine-tuning when asked and priced apart. */
export function trainingPriceOf(entry: ModelPriceEntry, method: FineTuneMethodType, trainingType?: 'lora' | 'full'): TrainingPrice | undefined {
  return (trainingType === 'full' ? entry.fullTraining?.[method] : undefined) ?? entry.methods[method];
}
