import type { FineTuneMethodType, TrainingPrice, BaseModelOffer, CapabilityDeclaration, HyperparameterLimit, MethodSupport } from '../provider-capabilities.js';

const tokens = (usd: number): TrainingPrice => ({ unit: 'per_1m_training_tokens', usd });

/**
 * Together bills per million tokens processed, by model size bracket, method and training type
 * (https://www.together.ai/pricing, fine-tuning, as recorded in 2025; the estimate endpoint,
 * asked once the file is uploaded, is the authoritative figure for one job).
 */
const BRACKETS = {
  upTo16B: { lora: { supervised: tokens(0.48), dpo: tokens(1.2) }, full: { supervised: tokens(0.54), dpo: tokens(1.35) } },
  upTo69B: { lora: { supervised: tokens(1.5), dpo: tokens(3.75) }, full: { supervised: tokens(1.65), dpo: tokens(4.12) } },
  upTo100B: { lora: { supervised: tokens(2.9), dpo: tokens(7.25) }, full: { supervised: tokens(3.2), dpo: tokens(8) } },
} as const;

/** Together's default is one epoch (`n_epochs` defaults to 1 in its API document). */
const TOGETHER_DEFAULT_EPOCHS = 1;
/** Per-example cap FTM bills at; Together's `/fine-tunes/models/limits` has each model's own. */
const MAX_TOKENS_PER_EXAMPLE = 32_768;

function offer(id: string, bracket: keyof typeof BRACKETS): BaseModelOffer {
  const prices = BRACKETS[bracket];
  return {
    id,
    methods: ['supervised', 'dpo'],
    trainingTypes: ['lora', 'full'],
    maxTokensPerExample: MAX_TOKENS_PER_EXAMPLE,
    trainingPrices: prices.lora,
    fullTrainingPrices: prices.full,
    defaultEpochs: TOGETHER_DEFAULT_EPOCHS,
    retiresOn: null,
  };
}

/** Instruct models Together fine-tunes (its list of supported models; `GET /fine-tunes/models/supported` has the live one). */
export const TOGETHER_BASE_MODELS: readonly BaseModelOffer[] = [
  offer('meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', 'upTo16B'),
  offer('meta-llama/Meta-Llama-3.1-70B-Instruct-Reference', 'upTo100B'),
  offer('meta-llama/Llama-3.3-70B-Instruct-Reference', 'upTo100B'),
  offer('meta-llama/Llama-3.2-3B-Instruct', 'upTo16B'),
  offer('Qwen/Qwen2.5-7B-Instruct', 'upTo16B'),
  offer('Qwen/Qwen2.5-14B-Instruct', 'upTo16B'),
  offer('Qwen/Qwen2.5-32B-Instruct', 'upTo69B'),
  offer('Qwen/Qwen2.5-72B-Instruct', 'upTo100B'),
  offer('mistralai/Mistral-7B-Instruct-v0.2', 'upTo16B'),
];

/**
 * Hyperparameters Together's `POST /fine-tunes` takes, under FTM's names (`beta` is its `dpo_beta`,
 * `training_type` and `lora_*` its `training_type` object). Ranges: what the API document states
 * (integers, `warmup_ratio` a fraction) and the common per-model limits (`max_num_epochs` 20,
 * LoRA `max_rank` 64); the limits endpoint has each model's own.
 */
const common: Readonly<Record<string, HyperparameterLimit>> = {
  n_epochs: { kind: 'integer', min: 1, max: 20, auto: true },
  batch_size: { kind: 'integer', min: 1, auto: true },
  learning_rate: { kind: 'number', min: 0, exclusiveMin: true, max: 1 },
  warmup_ratio: { kind: 'number', min: 0, max: 1 },
  n_checkpoints: { kind: 'integer', min: 1, max: 20 },
  n_evals: { kind: 'integer', min: 0, max: 100 },
  training_type: { kind: 'enum', values: ['lora', 'full'] },
  lora_r: { kind: 'integer', min: 1, max: 64 },
  lora_alpha: { kind: 'integer', min: 1 },
  lora_dropout: { kind: 'number', min: 0, max: 1, exclusiveMax: true },
};

export const TOGETHER_METHOD_SUPPORT: Readonly<Partial<Record<FineTuneMethodType, MethodSupport>>> = {
  // Conversational (`messages`) and instruction (`prompt`/`completion`) data both train SFT.
  supervised: { datasetFormats: ['jsonl_chat', 'jsonl_prompt_completion'], hyperparameters: common },
  dpo: { datasetFormats: ['jsonl_preference'], hyperparameters: { ...common, beta: { kind: 'number', min: 0, exclusiveMin: true, auto: true } } },
};

/** What Together's fine-tuning API offers. No webhooks; it estimates a job's price once the file is uploaded. */
export const TOGETHER_CAPABILITIES: CapabilityDeclaration = {
  provider: 'together',
  simulated: false,
  methodSupport: TOGETHER_METHOD_SUPPORT,
  baseModels: TOGETHER_BASE_MODELS,
  retirement: null,
  webhooks: false,
  priceEstimates: true,
};
