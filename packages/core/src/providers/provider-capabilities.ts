import { z } from 'zod';
import type { DatasetFormat } from '../db/schema.js';

/** Training methods a provider may offer (OpenAI's names: SFT, DPO, RFT). */
export const FineTuneMethodType = z.enum(['supervised', 'dpo', 'reinforcement']);
export type FineTuneMethodType = z.infer<typeof FineTuneMethodType>;

/** How one model/method is billed: per million training tokens, or per hour of training (RFT). */
export type TrainingPrice = { readonly unit: 'per_1m_training_tokens'; readonly usd: number } | { readonly unit: 'per_training_hour'; readonly usd: number };

/**
 * The accepted values of one hyperparameter at one provider: a number range (bounds inclusive
 * unless marked exclusive), or a set of words. `auto` (let the provider pick) is accepted when
 * `auto` is true; leaving the hyperparameter out always is.
 */
export type HyperparameterLimit =
  | {
      readonly kind: 'integer' | 'number';
      readonly min?: number;
      readonly exclusiveMin?: boolean;
      readonly max?: number;
      readonly exclusiveMax?: boolean;
      readonly auto?: boolean;
    }
  | { readonly kind: 'enum'; readonly values: readonly string[] };

/** How a provider trains with one method: the dataset formats it reads and the hyperparameters it takes. */
export interface MethodSupport {
  /** FTM dataset formats whose files this method trains on (DPO: `jsonl_preference`). */
  readonly datasetFormats: readonly DatasetFormat[];
  /** Every hyperparameter the method accepts, with its published range; others are refused. */
  readonly hyperparameters: Readonly<Record<string, HyperparameterLimit>>;
}

/** LoRA adapters or all weights; providers without the choice train as they do (OpenAI: not exposed). */
export type TrainingType = 'lora' | 'full';

/** One base model a provider fine-tunes, with what it costs and until when it is offered. */
export interface BaseModelOffer {
  /** The name the provider's fine-tuning API takes. */
  readonly id: string;
  /** Other names of the same model (`gpt-4o-mini` for `gpt-4o-mini-2024-07-18`). */
  readonly aliases?: readonly string[];
  readonly methods: readonly FineTuneMethodType[];
  /** Training types offered for this model; absent when the provider does not expose the choice. */
  readonly trainingTypes?: readonly TrainingType[];
  /** Longest example (tokens) the model trains on; longer ones are truncated or refused. */
  readonly maxTokensPerExample: number;
  /** Training price per method (LoRA, or the only kind the provider has). */
  readonly trainingPrices: Readonly<Partial<Record<FineTuneMethodType, TrainingPrice>>>;
  /** Training price per method for full fine-tuning, where it differs. */
  readonly fullTrainingPrices?: Readonly<Partial<Record<FineTuneMethodType, TrainingPrice>>>;
  /** Epochs the provider trains when none are given; absent means OpenAI's `auto` rule. */
  readonly defaultEpochs?: number;
  /** ISO date after which the provider stops serving this base model (and its fine-tunes), when announced. */
  readonly retiresOn?: string | null;
}

/** A provider's announced end of fine-tuning, as far as it is known. */
export interface ProviderRetirement {
  /** ISO date from which the provider refuses new fine-tuning jobs; null when not announced. */
  readonly newJobsEndOn: string | null;
  /** Whether models already trained keep serving after that date (until their base model retires). */
  readonly trainedModelsKeepServing: boolean;
  /** One sentence a person can act on. */
  readonly note: string;
  /** Where the dates come from. */
  readonly source: string;
}

/**
 * What a provider can train, under which limits, at what price, and until when. The API reads it
 * to refuse a request before any gate runs (unknown method, model or hyperparameter, a value out
 * of range, a dataset format the method cannot train on) and `GET /providers` shows it.
 */
export interface ProviderCapabilities {
  readonly provider: string;
  readonly simulated: boolean;
  readonly methods: readonly FineTuneMethodType[];
  /** Ids of every base model offered, whatever the method (a fine-tune `ft:…` of one is accepted too). */
  readonly models: readonly string[];
  /** Names of the hyperparameters each method takes (the keys of `methodSupport[m].hyperparameters`). */
  readonly hyperparameters: Readonly<Partial<Record<FineTuneMethodType, readonly string[]>>>;
  readonly methodSupport: Readonly<Partial<Record<FineTuneMethodType, MethodSupport>>>;
  readonly baseModels: readonly BaseModelOffer[];
  readonly retirement: ProviderRetirement | null;
  /** Whether the provider pushes job changes to `POST /provider-webhooks/{provider}`. */
  readonly webhooks: boolean;
  /** Whether the provider estimates a job's price itself once the training file is uploaded. */
  readonly priceEstimates: boolean;
}

/** The parts of capabilities an adapter declares; names are derived from them. */
export type CapabilityDeclaration = Omit<ProviderCapabilities, 'methods' | 'models' | 'hyperparameters'>;

/** Fills the derived fields (methods, model ids, hyperparameter names) from a declaration. */
export function defineCapabilities(declaration: CapabilityDeclaration): ProviderCapabilities {
  const methods = (Object.keys(declaration.methodSupport) as FineTuneMethodType[]).filter((m) => declaration.methodSupport[m] !== undefined);
  const hyperparameters: Partial<Record<FineTuneMethodType, readonly string[]>> = {};
  for (const m of methods) hyperparameters[m] = Object.keys(declaration.methodSupport[m]!.hyperparameters);
  return { ...declaration, methods, models: declaration.baseModels.map((b) => b.id), hyperparameters };
}

/** The offer for a base model, or for the base of a fine-tune id (`ft:<base>:…`). */
export function findBaseModelOffer(capabilities: ProviderCapabilities, model: string): BaseModelOffer | undefined {
  const base = model.startsWith('ft:') ? (model.split(':')[1] ?? model) : model;
  return capabilities.baseModels.find((b) => b.id === base || b.aliases?.includes(base));
}

/** Replaces the advertised base models (an endpoint that trains other models than the catalogue lists). */
export function withBaseModels(capabilities: ProviderCapabilities, ids: readonly string[]): ProviderCapabilities {
  const methods = capabilities.methods;
  const offers = ids.map((id) => capabilities.baseModels.find((b) => b.id === id) ?? { id, methods, maxTokensPerExample: 16_385, trainingPrices: {} });
  return { ...capabilities, baseModels: offers, models: offers.map((o) => o.id) };
}
