import type { DatasetFormat } from '../db/schema.js';
import { RECORD_KEYS } from '../datasets/build/example-validator.js';
import type { FieldError } from '../shared/errors.js';
import type { FineTuneMethodType } from './provider-capabilities.js';
import { graderFieldErrors } from './grader-fields.js';
import { findBaseModelOffer, type HyperparameterLimit, type ProviderCapabilities } from './provider-capabilities.js';

/** The parts of a job request a provider's capabilities decide on. */
export interface JobRequestToCheck {
  readonly method: FineTuneMethodType;
  readonly baseModel: string;
  readonly hyperparameters: Readonly<Record<string, unknown>>;
  readonly datasetFormat: DatasetFormat;
  readonly grader?: unknown;
}

function describeLimit(limit: HyperparameterLimit): string {
  if (limit.kind === 'enum') return `one of ${limit.values.join(', ')}`;
  const parts = [limit.kind === 'integer' ? 'an integer' : 'a number'];
  if (limit.min !== undefined) parts.push(`${limit.exclusiveMin ? 'above' : 'at least'} ${limit.min}`);
  if (limit.max !== undefined) parts.push(`${limit.exclusiveMax ? 'below' : 'at most'} ${limit.max}`);
  return `${parts.join(' ')}${limit.auto ? ', or auto' : ''}`;
}

function withinLimit(value: unknown, limit: HyperparameterLimit): boolean {
  if (limit.kind === 'enum') return typeof value === 'string' && limit.values.includes(value);
  if (value === 'auto') return limit.auto === true;
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (limit.kind === 'integer' && !Number.isInteger(value)) return false;
  if (limit.min !== undefined && (limit.exclusiveMin ? value <= limit.min : value < limit.min)) return false;
  if (limit.max !== undefined && (limit.exclusiveMax ? value >= limit.max : value > limit.max)) return false;
  return true;
}

/**
 * Every reason the provider would refuse this request, as field errors (empty when it fits): a
 * method it does not offer, a base model it does not train with that method, a hyperparameter it
 * does not take or a value outside its published range, a dataset whose format the method cannot
 * train on (DPO needs preference pairs), and a reinforcement grader reading fields the data lacks.
 */
export function checkJobRequest(capabilities: ProviderCapabilities, request: JobRequestToCheck): FieldError[] {
  const provider = capabilities.provider;
  const support = capabilities.methodSupport[request.method];
  if (!support) return [{ path: 'method', message: `${provider} does not offer ${request.method} fine-tuning; it offers ${capabilities.methods.join(', ')}` }];
  const errors: FieldError[] = [];

  const offer = findBaseModelOffer(capabilities, request.baseModel);
  // Continuing to train an earlier fine-tune (`ft:…`) is allowed wherever its base is, or when its base is unknown here.
  if (!offer && !request.baseModel.startsWith('ft:')) {
    const offered = capabilities.baseModels.filter((b) => b.methods.includes(request.method)).map((b) => b.id);
    errors.push({ path: 'base_model', message: `${provider} cannot fine-tune ${request.baseModel}; for ${request.method} it offers ${offered.join(', ')}` });
  } else if (offer && !offer.methods.includes(request.method)) {
    errors.push({ path: 'base_model', message: `${provider} trains ${offer.id} with ${offer.methods.join(', ')}, not ${request.method}` });
  }

  for (const [name, value] of Object.entries(request.hyperparameters)) {
    if (value === undefined) continue;
    const limit = support.hyperparameters[name];
    if (!limit) {
      errors.push({ path: `hyperparameters.${name}`, message: `${provider} does not take ${name} for ${request.method}; it takes ${Object.keys(support.hyperparameters).join(', ')}` });
    } else if (!withinLimit(value, limit)) {
      errors.push({ path: `hyperparameters.${name}`, message: `${provider} takes ${name} as ${describeLimit(limit)} for ${request.method}` });
    } else if (name === 'training_type' && offer?.trainingTypes && !offer.trainingTypes.includes(value as 'lora' | 'full')) {
      errors.push({ path: 'hyperparameters.training_type', message: `${provider} trains ${offer.id} with ${offer.trainingTypes.join(', ')} only` });
    }
  }

  if (!support.datasetFormats.includes(request.datasetFormat)) {
    errors.push({
      path: 'dataset_id',
      message: `${request.method} on ${provider} trains on ${support.datasetFormats.join(' or ')} datasets; this dataset is ${request.datasetFormat}`,
    });
  } else if (request.method === 'reinforcement' && request.grader !== undefined) {
    errors.push(...graderFieldErrors(request.grader, RECORD_KEYS[request.datasetFormat], request.datasetFormat));
  }
  return errors;
}
