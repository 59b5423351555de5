import { ValidationError, type FieldError } from '../../shared/errors.js';
import type { EnqueueOptions } from '../../ports/queue.js';

/** Enqueue options with every default applied, as both queue adapters store them. */
export interface ResolvedEnqueueOptions {
  readonly jobId: string | undefined;
  readonly delayMs: number;
  readonly maxAttempts: number;
  readonly backoffMs: number;
}

/** The adapter-wide defaults an enqueue without options gets. */
export interface EnqueueDefaults {
  readonly maxAttempts: number;
  readonly backoffMs: number;
}

const MAX_NAME_LENGTH = 200;

/** Checks a job name and options the same way for every adapter; bad values are a ValidationError. */
export function resolveEnqueueOptions(name: string, options: EnqueueOptions, defaults: EnqueueDefaults): ResolvedEnqueueOptions {
  const errors: FieldError[] = [];
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_LENGTH) {
    errors.push({ path: 'name', message: `must be 1 to ${MAX_NAME_LENGTH} characters` });
  }
  if (options.jobId !== undefined && (options.jobId.length === 0 || options.jobId.length > MAX_NAME_LENGTH)) {
    errors.push({ path: 'jobId', message: `must be 1 to ${MAX_NAME_LENGTH} characters` });
  } else if (options.jobId !== undefined && (/^\d+$/.test(options.jobId) || options.jobId.includes(':'))) {
    // Both are reserved by BullMQ (its own numeric ids, its key separator); refused everywhere alike.
    errors.push({ path: 'jobId', message: "must not be a bare integer or contain ':'" });
  }
  const delayMs = options.delayMs ?? 0;
  if (!Number.isFinite(delayMs) || delayMs < 0) errors.push({ path: 'delayMs', message: 'must be 0 or more' });
  const maxAttempts = options.maxAttempts ?? defaults.maxAttempts;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 1_000) {
    errors.push({ path: 'maxAttempts', message: 'must be an integer from 1 to 1000' });
  }
  const backoffMs = options.backoffMs ?? defaults.backoffMs;
  if (!Number.isInteger(backoffMs) || backoffMs < 0 || backoffMs > 2_147_483_647) {
    errors.push({ path: 'backoffMs', message: 'must be a non-negative integer' });
  }
  if (errors.length > 0) throw new ValidationError('invalid job enqueue options', errors);
  return { jobId: options.jobId, delayMs: Math.round(delayMs), maxAttempts, backoffMs };
}
