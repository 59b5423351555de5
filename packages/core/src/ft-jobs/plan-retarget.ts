import type { DatasetFormat } from '../db/schema.js';
import { convertibleTo } from '../datasets/convert-training-file.js';
import type { FieldError } from '../shared/errors.js';
import type { FineTuneMethodType } from '../providers/provider-capabilities.js';
import { findBaseModelOffer, type HyperparameterLimit, type MethodSupport, type ProviderCapabilities } from '../providers/provider-capabilities.js';

/**
 * The learning rate an OpenAI `learning_rate_multiplier` of 1 stands for on providers that take
 * an absolute `learning_rate` (Together's published default, 1e-5). OpenAI does not publish its
 * base rate, so this is a documented convention (docs/providers.md), not an equivalence:
 * `learning_rate = multiplier × 1e-5`, and back.
 */
export const REFERENCE_LEARNING_RATE = 1e-5;

/** What the source job asked for, in FTM's names. */
export interface RetargetSource {
  readonly provider: string;
  readonly method: FineTuneMethodType;
  readonly baseModel: string;
  readonly hyperparameters: Readonly<Record<string, unknown>>;
  readonly datasetFormat: DatasetFormat;
}

/** The new job's request on the target, with one note per decision the mapping made. */
export interface RetargetPlan {
  readonly baseModel: string;
  readonly hyperparameters: Record<string, unknown>;
  /** The format the provider receives; differs from the dataset's when the file is converted at upload. */
  readonly trainingFormat: DatasetFormat;
  readonly notes: readonly string[];
}

/** A refusal: every reason as a field error. */
export class RetargetRefusal {
  constructor(
    readonly message: string,
    readonly errors: readonly FieldError[],
  ) {}
}

/** The value made to fit the target's range, or undefined when it cannot (the target then picks its default). */
function fitToLimit(value: unknown, limit: HyperparameterLimit): unknown {
  if (limit.kind === 'enum') return typeof value === 'string' && limit.values.includes(value) ? value : undefined;
  if (value === 'auto') return limit.auto ? 'auto' : undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  let v = limit.kind === 'integer' ? Math.round(value) : value;
  if (limit.max !== undefined && (limit.exclusiveMax ? v >= limit.max : v > limit.max)) {
    if (limit.exclusiveMax) return undefined;
    v = limit.max;
  }
  if (limit.min !== undefined && (limit.exclusiveMin ? v <= limit.min : v < limit.min)) {
    if (limit.exclusiveMin && limit.kind === 'number') return undefined;
    v = limit.exclusiveMin ? limit.min + 1 : limit.min;
  }
  return v;
}

/** Drops floating-point noise (3.0000000000000004 → 3) so the stored value reads as the rule gives it. */
const tidy = (v: number): number => Number(v.toPrecision(12));

/** Renames a hyperparameter the target takes under another name, converting its value. */
function translate(name: string, value: unknown, target: MethodSupport): { name: string; value: unknown; note?: string } {
  const takes = (n: string) => target.hyperparameters[n] !== undefined;
  if (name === 'learning_rate_multiplier' && !takes(name) && takes('learning_rate')) {
    if (typeof value !== 'number') return { name: 'learning_rate', value: undefined, note: 'learning_rate_multiplier auto: the target picks its default learning_rate' };
    const lr = tidy(value * REFERENCE_LEARNING_RATE);
    return { name: 'learning_rate', value: lr, note: `learning_rate_multiplier ${value} → learning_rate ${lr} (multiplier × ${REFERENCE_LEARNING_RATE})` };
  }
  if (name === 'learning_rate' && !takes(name) && takes('learning_rate_multiplier') && typeof value === 'number') {
    const m = tidy(value / REFERENCE_LEARNING_RATE);
    return { name: 'learning_rate_multiplier', value: m, note: `learning_rate ${value} → learning_rate_multiplier ${m} (learning_rate ÷ ${REFERENCE_LEARNING_RATE})` };
  }
  return { name, value };
}

function mapHyperparameters(source: Readonly<Record<string, unknown>>, target: MethodSupport, provider: string, notes: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [original, raw] of Object.entries(source)) {
    if (raw === undefined) continue;
    const t = translate(original, raw, target);
    if (t.note) notes.push(t.note);
    const limit = target.hyperparameters[t.name];
    if (!limit) {
      notes.push(`${original} dropped: ${provider} does not take it`);
      continue;
    }
    if (t.value === undefined) continue;
    const fitted = fitToLimit(t.value, limit);
    if (fitted === undefined) notes.push(`${t.name} ${JSON.stringify(t.value)} dropped: outside ${provider}'s range, its default applies`);
    else {
      if (fitted !== t.value) notes.push(`${t.name} ${JSON.stringify(t.value)} → ${JSON.stringify(fitted)} (${provider}'s limit)`);
      out[t.name] = fitted;
    }
  }
  return out;
}

function pickBaseModel(source: RetargetSource, target: ProviderCapabilities, requested: string | undefined, notes: string[]): string | RetargetRefusal {
  if (requested) return requested;
  const same = findBaseModelOffer(target, source.baseModel);
  if (same?.methods.includes(source.method)) return source.baseModel;
  const first = target.baseModels.find((b) => b.methods.includes(source.method));
  if (!first)
    return new RetargetRefusal(`${target.provider} offers no base model for ${source.method}`, [{ path: 'base_model', message: `${target.provider} offers no base model for ${source.method}` }]);
  notes.push(`base_model ${source.baseModel} is not offered by ${target.provider}; using ${first.id} (pass base_model to choose another)`);
  return first.id;
}

function pickTrainingFormat(source: RetargetSource, support: MethodSupport, provider: string, notes: string[]): DatasetFormat | RetargetRefusal {
  if (support.datasetFormats.includes(source.datasetFormat)) return source.datasetFormat;
  const converted = convertibleTo(source.datasetFormat).find((f) => support.datasetFormats.includes(f));
  if (!converted) {
    const message = `${source.method} on ${provider} trains on ${support.datasetFormats.join(' or ')} datasets and ${source.datasetFormat} cannot be converted to them`;
    return new RetargetRefusal(message, [{ path: 'provider', message }]);
  }
  notes.push(`dataset converted from ${source.datasetFormat} to ${converted} when uploaded`);
  return converted;
}

/**
 * Maps a job to another provider: same method (refused when the target lacks it), the same base
 * model where offered or else the target's first for the method, hyperparameters renamed and
 * fitted to the target's limits (dropped where it takes none), LoRA where the target has the
 * choice, the data converted where the formats differ; then the caller's overrides, as given.
 */
export function planRetarget(
  source: RetargetSource,
  target: ProviderCapabilities,
  request: { readonly baseModel?: string; readonly overrides?: Readonly<Record<string, unknown>> },
): RetargetPlan | RetargetRefusal {
  const support = target.methodSupport[source.method];
  if (!support) {
    const message = `${target.provider} does not offer ${source.method} fine-tuning; it offers ${target.methods.join(', ')}`;
    return new RetargetRefusal(message, [{ path: 'provider', message }]);
  }
  const notes: string[] = [];
  const baseModel = pickBaseModel(source, target, request.baseModel, notes);
  if (baseModel instanceof RetargetRefusal) return baseModel;
  const trainingFormat = pickTrainingFormat(source, support, target.provider, notes);
  if (trainingFormat instanceof RetargetRefusal) return trainingFormat;

  const hyperparameters = mapHyperparameters(source.hyperparameters, support, target.provider, notes);
  const overrides = request.overrides ?? {};
  // Mapped LoRA settings make no sense once the caller asks for full training; their own overrides stay (and are checked).
  if ((overrides.training_type ?? hyperparameters.training_type) === 'full') for (const k of ['lora_r', 'lora_alpha', 'lora_dropout']) delete hyperparameters[k];
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) hyperparameters[k] = v;
  const offer = findBaseModelOffer(target, baseModel);
  if (support.hyperparameters.training_type && hyperparameters.training_type === undefined && offer?.trainingTypes?.includes('lora')) {
    hyperparameters.training_type = 'lora';
    notes.push('training_type lora (the default when retargeting; pass training_type full to train every weight)');
  }
  return { baseModel, hyperparameters, trainingFormat, notes };
}
