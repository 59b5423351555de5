import type { FineTuneMethodType } from './fine-tune-provider.js';

/** How one model/method is billed: per million training tokens, or per hour of training (RFT). */
export type TrainingPrice =
  | { readonly unit: 'per_1m_training_tokens'; readonly usd: number }
  | { readonly unit: 'per_training_hour'; readonly usd: number };

/** One base model's fine-tuning prices and the largest example (in tokens) it trains on. */
export interface ModelPriceEntry {
  readonly model: string;
  /** Dated snapshots and aliases that resolve to this entry (`gpt-4o-mini` → `gpt-4o-mini-2024-07-18`). */
  readonly aliases?: readonly string[];
  readonly maxTokensPerExample: number;
  readonly methods: Readonly<Partial<Record<FineTuneMethodType, TrainingPrice>>>;
}

/** A dated, versioned set of prices; estimates store the version they used. */
export interface PriceTable {
  readonly version: string;
  readonly effectiveFrom: string;
  readonly source: string;
  readonly models: readonly ModelPriceEntry[];
}

const tokens = (usd: number): TrainingPrice => ({ unit: 'per_1m_training_tokens', usd });

/**
 * OpenAI's published fine-tuning training prices (https://openai.com/api/pricing/, standard tier,
 * checked 2025-08). DPO is billed per training token at the SFT rate; reinforcement fine-tuning
 * is billed per training hour, so it cannot be estimated from tokens.
 */
export const OPENAI_PRICE_TABLE_2025_08: PriceTable = {
  version: 'openai-2025-08',
  effectiveFrom: '2025-08-01',
  source: 'https://openai.com/api/pricing/',
  models: [
    { model: 'gpt-4.1-2025-04-14', aliases: ['gpt-4.1'], maxTokensPerExample: 65_536, methods: { supervised: tokens(25), dpo: tokens(25) } },
    { model: 'gpt-4.1-mini-2025-04-14', aliases: ['gpt-4.1-mini'], maxTokensPerExample: 65_536, methods: { supervised: tokens(5), dpo: tokens(5) } },
    { model: 'gpt-4.1-nano-2025-04-14', aliases: ['gpt-4.1-nano'], maxTokensPerExample: 65_536, methods: { supervised: tokens(1.5), dpo: tokens(1.5) } },
    { model: 'gpt-4o-2024-08-06', aliases: ['gpt-4o'], maxTokensPerExample: 65_536, methods: { supervised: tokens(25), dpo: tokens(25) } },
    { model: 'gpt-4o-mini-2024-07-18', aliases: ['gpt-4o-mini'], maxTokensPerExample: 65_536, methods: { supervised: tokens(3), dpo: tokens(3) } },
    { model: 'gpt-3.5-turbo-0125', aliases: ['gpt-3.5-turbo', 'gpt-3.5-turbo-1106'], maxTokensPerExample: 16_385, methods: { supervised: tokens(8) } },
    { model: 'o4-mini-2025-04-16', aliases: ['o4-mini'], maxTokensPerExample: 65_536, methods: { reinforcement: { unit: 'per_training_hour', usd: 100 } } },
  ],
};

/** The table used unless configuration supplies another. */
export const DEFAULT_PRICE_TABLE: PriceTable = OPENAI_PRICE_TABLE_2025_08;

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
