import type { z } from 'zod';
import type { EnqueueOptions, Queue } from '../ports/queue.js';
import { ValidationError } from './errors.js';
import type { JobDefinition } from './job-definition.js';

/**
 * The one way FTM enqueues a job: the payload is checked against the definition's schema first
 * (a bad payload is a ValidationError for the caller, not a dead letter later) and the
 * definition's retry policy applies, so it is written nowhere else.
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
