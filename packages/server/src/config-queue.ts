import { parseSqsUrl, ValidationError } from '@ftm/core';
import { z } from 'zod';

/** The queue the processes open: the local queue, or a broker at a URL. */
export type QueueConfig = { readonly type: 'local' } | { readonly type: 'redis' | 'rabbit' | 'sqs'; readonly url: string; readonly prefix?: string };

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** The FTM_QUEUE_* variables, merged into the config schema. */
export const QueueEnv = {
  FTM_QUEUE_URL: z.preprocess(
    blankToUndefined,
    z.url({ error: 'must be a URL (redis://host:6379, amqp://user:password@host:5672, https://sqs.<region>.amazonaws.com/<account>/<prefix>)' }).optional(),
  ),
  FTM_QUEUE_TYPE: z.preprocess(blankToUndefined, z.enum(['local', 'redis', 'sqs', 'rabbit'], { error: 'must be redis, sqs or rabbit (or local)' }).optional()),
  FTM_QUEUE_PREFIX: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1 to 40 of A-Z a-z 0-9 _ -')
      .optional(),
  ),
};

type QueueEnvValues = { [K in keyof typeof QueueEnv]?: z.infer<(typeof QueueEnv)[K]> };

/** The type a URL's scheme implies when FTM_QUEUE_TYPE is not set. */
function typeOfUrl(url: string): 'redis' | 'rabbit' | 'sqs' {
  const scheme = new URL(url).protocol;
  if (scheme === 'amqp:' || scheme === 'amqps:') return 'rabbit';
  if (scheme === 'http:' || scheme === 'https:') return 'sqs';
  return 'redis';
}

const SCHEMES = {
  redis: { pattern: /^rediss?:$/, text: 'a redis:// or rediss:// URL' },
  rabbit: { pattern: /^amqps?:$/, text: 'an amqp:// or amqps:// URL' },
  sqs: { pattern: /^https?:$/, text: 'an SQS queue URL or endpoint (https://sqs.<region>.amazonaws.com/<account>/<prefix>)' },
} as const;

/**
 * The queue from FTM_QUEUE_TYPE, FTM_QUEUE_URL and FTM_QUEUE_PREFIX, pushing one line per problem.
 * Without FTM_QUEUE_TYPE the URL's scheme decides (amqp → rabbit, http(s) → sqs, else redis); no
 * URL is the local queue. FTM_ENV=prod refuses the local queue.
 */
export function parseQueueSettings(e: QueueEnvValues, mode: 'dev' | 'stage' | 'prod', problems: string[]): QueueConfig {
  const type = e.FTM_QUEUE_TYPE ?? (e.FTM_QUEUE_URL ? typeOfUrl(e.FTM_QUEUE_URL) : 'local');
  if (type === 'local') {
    if (e.FTM_QUEUE_URL) problems.push('FTM_QUEUE_URL: set, but FTM_QUEUE_TYPE=local ignores it; set FTM_QUEUE_TYPE=redis, rabbit or sqs');
    if (mode === 'prod') problems.push('FTM_QUEUE_URL: required when FTM_ENV=prod, with FTM_QUEUE_TYPE=redis, rabbit or sqs (the local queue is for dev only)');
    return { type: 'local' };
  }
  const url = e.FTM_QUEUE_URL;
  if (!url) {
    problems.push(`FTM_QUEUE_URL: required when FTM_QUEUE_TYPE=${type}`);
    return { type: 'local' };
  }
  if (!SCHEMES[type].pattern.test(new URL(url).protocol)) {
    problems.push(`FTM_QUEUE_URL: must be ${SCHEMES[type].text} when FTM_QUEUE_TYPE=${type}`);
    return { type: 'local' };
  }
  if (type === 'sqs') {
    try {
      const own = parseSqsUrl(url).prefix;
      if (own && e.FTM_QUEUE_PREFIX && own !== e.FTM_QUEUE_PREFIX) {
        problems.push('FTM_QUEUE_PREFIX: differs from the queue prefix in FTM_QUEUE_URL; set one of them');
      }
    } catch (error) {
      problems.push(`FTM_QUEUE_URL: ${error instanceof ValidationError ? (error.fieldErrors[0]?.message ?? error.message) : 'not an SQS URL'}`);
    }
  }
  return { type, url, ...(e.FTM_QUEUE_PREFIX ? { prefix: e.FTM_QUEUE_PREFIX } : {}) };
}
