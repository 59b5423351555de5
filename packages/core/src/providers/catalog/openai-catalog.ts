import type { FineTuneMethodType, TrainingPrice, BaseModelOffer, CapabilityDeclaration, HyperparameterLimit, MethodSupport, ProviderRetirement } from '../provider-capabilities.js';

const tokens = (usd: number): TrainingPrice => ({ unit: 'per_1m_training_tokens', usd });
const sftAndDpo = (usd: number) => ({ supervised: tokens(usd), dpo: tokens(usd) });

/**
 * Ranges from OpenAI's published API document (openai/openai-openapi, `FineTuneSupervisedHyperparameters`,
 * `FineTuneDPOHyperparameters`, `FineTuneReinforcementHyperparameters`, commit f85dbe2 of 2026-08-21).
 */
const common: Readonly<Record<string, HyperparameterLimit>> = {
  n_epochs: { kind: 'integer', min: 1, max: 50, auto: true },
  batch_size: { kind: 'integer', min: 1, max: 256, auto: true },
  learning_rate_multiplier: { kind: 'number', min: 0, exclusiveMin: true, auto: true },
};

export const OPENAI_METHOD_SUPPORT: Readonly<Record<FineTuneMethodType, MethodSupport>> = {
  // Chat models train on the chat format only; prompt/completion pairs were for babbage/davinci.
  supervised: { datasetFormats: ['jsonl_chat'], hyperparameters: common },
  dpo: { datasetFormats: ['jsonl_preference'], hyperparameters: { ...common, beta: { kind: 'number', min: 0, exclusiveMin: true, max: 2, auto: true } } },
  reinforcement: {
    datasetFormats: ['jsonl_chat'],
    hyperparameters: {
      ...common,
      compute_multiplier: { kind: 'number', min: 0.00001, exclusiveMin: true, max: 10, auto: true },
      eval_interval: { kind: 'integer', min: 1, auto: true },
      eval_samples: { kind: 'integer', min: 1, auto: true },
      reasoning_effort: { kind: 'enum', values: ['default', 'low', 'medium', 'high'] },
    },
  },
};

/**
 * Base models OpenAI fine-tunes (its fine-tuning guide) with the training prices of
 * https://openai.com/api/pricing/ (standard tier, checked 2025-08). DPO is billed per token at the
 * SFT rate; reinforcement per training hour, which no token count can estimate.
 */
export const OPENAI_BASE_MODELS: readonly BaseModelOffer[] = [
  { id: 'gpt-4.1-2025-04-14', aliases: ['gpt-4.1'], methods: ['supervised', 'dpo'], maxTokensPerExample: 65_536, trainingPrices: sftAndDpo(25) },
  { id: 'gpt-4.1-mini-2025-04-14', aliases: ['gpt-4.1-mini'], methods: ['supervised', 'dpo'], maxTokensPerExample: 65_536, trainingPrices: sftAndDpo(5) },
  { id: 'gpt-4.1-nano-2025-04-14', aliases: ['gpt-4.1-nano'], methods: ['supervised', 'dpo'], maxTokensPerExample: 65_536, trainingPrices: sftAndDpo(1.5) },
  { id: 'gpt-4o-2024-08-06', aliases: ['gpt-4o'], methods: ['supervised', 'dpo'], maxTokensPerExample: 65_536, trainingPrices: sftAndDpo(25) },
  { id: 'gpt-4o-mini-2024-07-18', aliases: ['gpt-4o-mini'], methods: ['supervised', 'dpo'], maxTokensPerExample: 65_536, trainingPrices: sftAndDpo(3) },
  { id: 'gpt-3.5-turbo-0125', aliases: ['gpt-3.5-turbo', 'gpt-3.5-turbo-1106'], methods: ['supervised'], maxTokensPerExample: 16_385, trainingPrices: { supervised: tokens(8) } },
  { id: 'o4-mini-2025-04-16', aliases: ['o4-mini'], methods: ['reinforcement'], maxTokensPerExample: 65_536, trainingPrices: { reinforcement: { unit: 'per_training_hour', usd: 100 } } },
];

/**
 * OpenAI is retiring self-serve fine-tuning: organisations without recent fine-tuned inference lost
 * job creation in 2026 (new organisations on 2026-05-07); every other organisation on 2027-01-06.
 */
export const OPENAI_RETIREMENT: ProviderRetirement = {
  newJobsEndOn: '2027-01-06',
  trainedModelsKeepServing: true,
  note: 'OpenAI accepts no new fine-tuning jobs from 2027-01-06 (earlier for organisations without recent fine-tuned inference); trained models keep serving until their base model retires.',
  source: 'OpenAI fine-tuning deprecation notice (docs/providers.md, "The OpenAI retirement timeline")',
};

/** What OpenAI's fine-tuning API offers; `webhooks`: it signs `fine_tuning.job.*` events (Standard Webhooks). */
export const OPENAI_CAPABILITIES: CapabilityDeclaration = {
  provider: 'openai',
  simulated: false,
  methodSupport: OPENAI_METHOD_SUPPORT,
  baseModels: OPENAI_BASE_MODELS,
  retirement: OPENAI_RETIREMENT,
  webhooks: true,
  priceEstimates: false,
};
