import type { BaseModelOffer, FineTuneMethodType, HyperparameterLimit, ProviderRetirement, TrainingPrice } from './provider-capabilities.js';
import type { CredentialField, CredentialSource } from './provider-credentials.js';
import type { ProviderDescription } from './fine-tune-provider-resolver.js';

/** A hyperparameter's accepted values, as the API shows them (`HyperparameterLimit`). */
export type HyperparameterLimitInfo =
  | { readonly kind: 'integer' | 'number'; readonly min: number | null; readonly exclusive_min: boolean; readonly max: number | null; readonly exclusive_max: boolean; readonly auto: boolean }
  | { readonly kind: 'enum'; readonly values: readonly string[] };

/** One base model a provider fine-tunes (`ProviderBaseModel`). */
export interface BaseModelInfo {
  readonly id: string;
  readonly aliases: readonly string[];
  readonly methods: readonly FineTuneMethodType[];
  readonly training_types: readonly ('lora' | 'full')[] | null;
  readonly max_tokens_per_example: number;
  readonly training_prices: Readonly<Partial<Record<FineTuneMethodType, TrainingPrice>>>;
  readonly full_training_prices: Readonly<Partial<Record<FineTuneMethodType, TrainingPrice>>> | null;
  readonly default_epochs: number | null;
  /** When the provider stops serving this base model and its fine-tunes; null when not announced. */
  readonly retires_on: string | null;
}

/** A provider as `GET /providers` shows it to one scope (`Provider`). */
export interface ProviderInfo {
  readonly name: string;
  readonly simulated: boolean;
  /** The provider a job or eval run gets when it names none. */
  readonly default: boolean;
  /** Whether this scope can use it now: simulated always; others with a stored or server credential. */
  readonly configured: boolean;
  /** Whose credential this scope would use; null when none (or none is needed). */
  readonly credential_source: CredentialSource | null;
  /** What `PUT /providers/{name}/credentials` takes; empty when it takes no credential. */
  readonly credential_fields: readonly CredentialField[];
  readonly methods: readonly FineTuneMethodType[];
  readonly method_support: Readonly<Partial<Record<FineTuneMethodType, { readonly dataset_formats: readonly string[]; readonly hyperparameters: Readonly<Record<string, HyperparameterLimitInfo>> }>>>;
  readonly base_models: readonly BaseModelInfo[];
  readonly retirement: { readonly new_jobs_end_on: string | null; readonly trained_models_keep_serving: boolean; readonly note: string; readonly source: string } | null;
  readonly webhooks: boolean;
  readonly price_estimates: boolean;
}

function limitInfo(limit: HyperparameterLimit): HyperparameterLimitInfo {
  if (limit.kind === 'enum') return { kind: 'enum', values: limit.values };
  return { kind: limit.kind, min: limit.min ?? null, exclusive_min: limit.exclusiveMin ?? false, max: limit.max ?? null, exclusive_max: limit.exclusiveMax ?? false, auto: limit.auto ?? false };
}

function baseModelInfo(b: BaseModelOffer): BaseModelInfo {
  return {
    id: b.id,
    aliases: b.aliases ?? [],
    methods: b.methods,
    training_types: b.trainingTypes ?? null,
    max_tokens_per_example: b.maxTokensPerExample,
    training_prices: b.trainingPrices,
    full_training_prices: b.fullTrainingPrices ?? null,
    default_epochs: b.defaultEpochs ?? null,
    retires_on: b.retiresOn ?? null,
  };
}

function retirementInfo(r: ProviderRetirement | null): ProviderInfo['retirement'] {
  return r ? { new_jobs_end_on: r.newJobsEndOn, trained_models_keep_serving: r.trainedModelsKeepServing, note: r.note, source: r.source } : null;
}

/** A registered provider for one scope → public shape. */
export function toProviderInfo(d: ProviderDescription, scope: { readonly isDefault: boolean; readonly source: CredentialSource | null }): ProviderInfo {
  const c = d.capabilities;
  const methodSupport: Partial<Record<FineTuneMethodType, { dataset_formats: readonly string[]; hyperparameters: Record<string, HyperparameterLimitInfo> }>> = {};
  for (const m of c.methods) {
    const support = c.methodSupport[m];
    if (support) methodSupport[m] = { dataset_formats: support.datasetFormats, hyperparameters: Object.fromEntries(Object.entries(support.hyperparameters).map(([k, v]) => [k, limitInfo(v)])) };
  }
  return {
    name: d.name,
    simulated: d.simulated,
    default: scope.isDefault,
    configured: d.simulated || scope.source !== null,
    credential_source: d.simulated ? null : scope.source,
    credential_fields: d.credentialFields,
    methods: c.methods,
    method_support: methodSupport,
    base_models: c.baseModels.map(baseModelInfo),
    retirement: retirementInfo(c.retirement),
    webhooks: c.webhooks,
    price_estimates: c.priceEstimates,
  };
}
