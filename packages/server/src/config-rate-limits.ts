import { z } from 'zod';
import { DEFAULT_RATE_LIMITS, type RateLimitSettings } from './http/rate-limits.js';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const count = (what: string) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: `must be a whole number of ${what}` })
      .int(`must be a whole number of ${what}`)
      .min(1, 'must be at least 1')
      .max(10_000_000, 'must be at most 10000000')
      .optional(),
  );

/** The FTM_RATE_LIMIT_* variables, merged into the config schema. */
export const RateLimitEnv = {
  FTM_RATE_LIMIT_ENABLED: z.preprocess(blankToUndefined, z.enum(['true', 'false'], { error: 'must be true or false' }).optional()),
  FTM_RATE_LIMIT_WINDOW_SECONDS: z.preprocess(
    blankToUndefined,
    z.coerce.number({ error: 'must be a whole number of seconds' }).int('must be a whole number of seconds').min(1, 'must be at least 1').max(86_400, 'must be at most 86400 (a day)').optional(),
  ),
  FTM_RATE_LIMIT_PER_KEY: count('requests'),
  FTM_RATE_LIMIT_RESOLVE_PER_KEY: count('requests'),
  FTM_RATE_LIMIT_AUTH_FAILURES: count('failed authentications'),
  FTM_TRUST_PROXY: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^(true|false|\d{1,2}|[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/]+)*)$/, 'must be true, false, a hop count, or comma-separated proxy addresses/CIDRs')
      .optional(),
  ),
};

/** Fastify's trustProxy from FTM_TRUST_PROXY: whose X-Forwarded-For names the client address. */
export function trustProxySetting(raw: string | undefined): boolean | number | string[] {
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw.split(',').map((a) => a.trim());
}

type RateLimitEnvValues = { [K in keyof typeof RateLimitEnv]?: z.infer<(typeof RateLimitEnv)[K]> };

/** The settings from the parsed variables; counters go to Redis when the queue is Redis. */
export function rateLimitSettings(e: RateLimitEnvValues, queue: { type: string; url?: string }): RateLimitSettings {
  const d = DEFAULT_RATE_LIMITS;
  return {
    enabled: (e.FTM_RATE_LIMIT_ENABLED ?? 'true') === 'true',
    windowMs: (e.FTM_RATE_LIMIT_WINDOW_SECONDS ?? d.windowMs / 1000) * 1000,
    perKey: e.FTM_RATE_LIMIT_PER_KEY ?? d.perKey,
    resolvePerKey: e.FTM_RATE_LIMIT_RESOLVE_PER_KEY ?? d.resolvePerKey,
    authFailuresPerAddress: e.FTM_RATE_LIMIT_AUTH_FAILURES ?? d.authFailuresPerAddress,
    ...(queue.type === 'redis' && queue.url ? { redis: { url: queue.url } } : {}),
  };
}
