import { ValidationError, type EnqueueOptions, type Queue } from '@ftm/core';
import type { z } from 'zod';
import type { JobDefinition } from './job-catalog.js';

/**
 * Enqueues a catalog job: the payload is checked against its schema first (a bad payload is a
 * ValidationError for the caller, not a dead letter later) and the job's retry policy applies.
 */
export async function enqueueJob<S extends z.ZodType>(
  queue: Queue,
  definition: JobDefinition<string, S>,
  payload: z.input<S>,
  options: Pick<EnqueueOptions, 'jobId' | 'delayMs'> = {},
): Promise<string> {
  const parsed = definition.schema.safeParse(payload);
  if (!parsed.success) {
    throw new ValidationError(
      `invalid payload for job ${definition.name}`,
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  return queue.enqueue(definition.name, parsed.data, {
    ...options,
    maxAttempts: definition.retry.maxAttempts,
    backoffMs: definition.retry.backoffMs,
  });
}
