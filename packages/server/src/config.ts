import { resolve } from 'node:path';
import { DEFAULT_DEDUP_MEMORY_BYTES, DEFAULT_RETIREMENT_WARNING_DAYS, parseSecretsKey } from '@ftm/core';
import { z } from 'zod';
import { parseProviderSettings, ProviderEnvSchema, type ProviderSettings } from './provider-config.js';
import { readSecretFiles } from './secret-files.js';
import { RateLimitEnv, rateLimitSettings, trustProxySetting } from './config-rate-limits.js';
import { parseQueueSettings, QueueEnv, type QueueConfig } from './config-queue.js';
import type { RateLimitSettings } from './http/rate-limits.js';

/** Every variable that holds a secret (each also read from `<NAME>_FILE`); the list lives in secret-files.ts. */
export { SECRET_VARIABLES } from './secret-files.js';

/** Everything the API and worker processes read from the environment, parsed once at start. */
export interface FtmConfig {
  readonly env: 'dev' | 'stage' | 'prod';
  readonly host: string;
  readonly port: number;
  /** Home of the embedded defaults (PGlite under `db/`, blobs under `blobs/`). */
  readonly dataDir: string;
  readonly database: { readonly kind: 'pglite'; readonly dataDir: string } | { readonly kind: 'postgres'; readonly url: string };
  readonly storage: { readonly uri: string; readonly region?: string; readonly endpoint?: string };
  readonly queue: QueueConfig;
  readonly orchestrator?: { readonly url: string; readonly apiKey: string };
  /** FTM_ORCHESTRATOR_API_KEY: the bearer key of every Orchestrator-family call (TRiSM, PRISM, vectors too). */
  readonly integrationApiKey?: string;
  readonly trismUrl?: string;
  readonly prismUrl?: string;
  readonly vectorUrl?: string;
  /** Model providers: API keys, base URLs, OpenAI organization/project/webhook secret, Azure endpoint. */
  readonly providers: ProviderSettings;
  /**
   * FTM_SECRETS_KEY (+ FTM_SECRETS_PREVIOUS_KEYS during a rotation): seals stored credentials.
   * Without it, dev keeps a generated key under FTM_DATA_DIR; stage and prod store none.
   */
  readonly secrets: { readonly key?: string; readonly previousKeys: readonly string[] };
  readonly webhookSigningKey?: string;
  /** Earlier signing keys whose signatures deliveries keep carrying during a key rotation. */
  readonly webhookPreviousSigningKeys: readonly string[];
  /** FTM_WEBHOOK_RETRY_SCHEDULE: delay before each attempt of a delivery's round, in ms; absent: the built-in schedule. */
  readonly webhookRetryScheduleMs?: readonly number[];
  /** Non-public destinations (IPs, CIDR ranges, host names) webhooks may reach outside dev. */
  readonly webhookAllowedDestinations: readonly string[];
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly otelEndpoint?: string;
  /** Browser origins allowed by CORS; empty means no CORS headers at all. */
  readonly corsOrigins: readonly string[];
  readonly authCacheTtlMs: number;
  /** Jobs one worker process runs at once (FTM_WORKER_CONCURRENCY). */
  readonly workerConcurrency: number;
  /** Most bytes one dataset build's dedup indexes may hold (FTM_DATASET_DEDUP_MEMORY_MB). */
  readonly datasetDedupMemoryBytes: number;
  readonly bodyLimitBytes: number;
  /** The OTLP/HTTP trace receiver: `<pathPrefix>/v1/traces`, its body limit, and how long spans are kept (0: forever). */
  readonly otlp: { readonly pathPrefix: string; readonly maxBodyBytes: number; readonly retentionDays: number };
  /** FTM_RETIREMENT_WARNING_DAYS: days before a model's retirement date at which `model.retirement_warning` is sent (empty: never). */
  readonly retirementWarningDays: readonly number[];
  /** FTM_RATE_LIMIT_*: per API key, the resolve hot path, failed authentications per address. */
  readonly rateLimit: RateLimitSettings;
  /** FTM_TRUST_PROXY: which proxies' X-Forwarded-For gives the client address (rate limits, logs). */
  readonly trustProxy: boolean | number | readonly string[];
  /** FTM_METRICS_TOKEN: the bearer credential of `GET /metrics` (not an API key). */
  readonly metricsToken?: string;
  /** FTM_OPERATOR_TOKEN: the bearer credential of the operator routes (`/tenants`). */
  readonly operatorToken?: string;
  /** FTM_CONSOLE: serve the web console at `/console` (`on`, the default) or not (`off`). */
  readonly console: boolean;
  /**
   * FTM_WORKER_METRICS_PORT: `ftm worker` serves `/metrics` (same credential as the API's) and
   * `/healthz` on this port of FTM_HOST; absent, a worker serves nothing (0: any free port).
   */
  readonly workerMetricsPort?: number;
  /** FTM_SIMULATED_FT_SECONDS: how long a simulated fine-tuning job takes (demos, browser tests); unset: 40 s. */
  readonly simulatedFtSeconds?: number;
  /**
   * FTM_TEST_CRASH_AFTER_COMMIT (tests only, refused unless FTM_ENV=dev): `METHOD /route` whose
   * first success response kills the API process after the state change committed and before
   * the response is stored or sent, to test that a retry still gets the original answer.
   */
  readonly testCrashAfterCommit?: string;
}

/** Every bad or missing variable, one line each, naming the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
// whsec_ + base64 of 24..64 bytes (32..88 base64 characters); the webhook module checks the bytes.
const WHSEC_RE = /^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/;
const commaList = (raw: string | undefined): string[] =>
  raw
    ? raw
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean)
    : [];
const MB = 1024 * 1024;
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const EnvSchema = z.object({
  FTM_ENV: optional(z.enum(['dev', 'stage', 'prod'], { error: 'must be dev, stage or prod' })),
  FTM_HOST: optional(z.string().min(1)),
  FTM_PORT: optional(z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65535, 'must be a port number (0-65535)')),
  FTM_WORKER_METRICS_PORT: optional(z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65535, 'must be a port number (0-65535)')),
  FTM_DATA_DIR: optional(z.string().min(1)),
  FTM_DATABASE_URL: optional(z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' })),
  FTM_STORAGE_URI: optional(z.string().regex(/^(s3:\/\/[^/]+.*|file:.+)$/, 'must be s3://bucket/prefix or file:///path')),
  FTM_STORAGE_REGION: optional(z.string().min(1)),
  FTM_STORAGE_ENDPOINT: optional(httpUrl),
  ...QueueEnv,
  FTM_VECTOR_URL: optional(z.url({ error: 'must be a URL' })),
  FTM_ORCHESTRATOR_URL: optional(httpUrl),
  FTM_ORCHESTRATOR_API_KEY: optional(z.string().min(1)),
  FTM_TRISM_URL: optional(httpUrl),
  FTM_PRISM_URL: optional(httpUrl),
  ...ProviderEnvSchema,
  FTM_SECRETS_KEY: optional(z.string().refine(isSecretsKey, 'must be 32 random bytes written as base64 or hex (openssl rand -base64 32)')),
  FTM_SECRETS_PREVIOUS_KEYS: optional(z.string()),
  FTM_WEBHOOK_SIGNING_KEY: optional(z.string().regex(WHSEC_RE, 'must be whsec_ followed by the base64 of 24 to 64 random bytes')),
  FTM_WEBHOOK_PREVIOUS_SIGNING_KEYS: optional(z.string()),
  FTM_WEBHOOK_ALLOWED_DESTINATIONS: optional(z.string()),
  FTM_LOG_LEVEL: optional(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'must be fatal, error, warn, info, debug, trace or silent' })),
  FTM_OTEL_EXPORTER_OTLP_ENDPOINT: optional(httpUrl),
  FTM_CORS_ORIGINS: optional(z.string()),
  FTM_WORKER_CONCURRENCY: optional(z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').max(256, 'must be at most 256')),
  FTM_AUTH_CACHE_TTL_MS: optional(z.coerce.number({ error: 'must be milliseconds' }).int().min(0).max(300_000, 'must be at most 300000 (5 minutes)')),
  FTM_DATASET_DEDUP_MEMORY_MB: optional(
    z.coerce.number({ error: 'must be a whole number of MB' }).int('must be a whole number of MB').min(16, 'must be at least 16').max(65_536, 'must be at most 65536'),
  ),
  FTM_BODY_LIMIT_BYTES: optional(
    z.coerce
      .number({ error: 'must be a byte count' })
      .int()
      .min(1024)
      .max(100 * 1024 * 1024),
  ),
  FTM_OTLP_PATH_PREFIX: optional(z.string().regex(/^\/$|^(\/[A-Za-z0-9._~-]+)+$/, 'must be / or a path such as /otlp (no trailing slash)')),
  FTM_OTLP_MAX_BODY_BYTES: optional(
    z.coerce
      .number({ error: 'must be a byte count' })
      .int('must be a byte count')
      .min(64 * 1024, 'must be at least 65536')
      .max(256 * 1024 * 1024, 'must be at most 268435456'),
  ),
  FTM_OTLP_RETENTION_DAYS: optional(
    z.coerce.number({ error: 'must be a whole number of days' }).int('must be a whole number of days').min(0, 'must be 0 (keep forever) or more').max(3650, 'must be at most 3650'),
  ),
  FTM_RETIREMENT_WARNING_DAYS: optional(z.string().regex(/^(none|\d{1,4}( *, *\d{1,4})*)$/, 'must be whole days before the date separated by commas (e.g. 30,7), or none')),
  FTM_METRICS_TOKEN: optional(z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -hex 32)')),
  FTM_OPERATOR_TOKEN: optional(z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -hex 32)')),
  FTM_CONSOLE: optional(z.enum(['on', 'off'], { error: 'must be on or off' })),
  FTM_WEBHOOK_RETRY_SCHEDULE: optional(
    z
      .string()
      .regex(/^\s*\d+(ms|s|m|h|d)?(\s*,\s*\d+(ms|s|m|h|d)?){0,49}\s*$/, 'must be 1 to 50 comma-separated delays such as 0,5s,5m,30m,2h (units ms, s, m, h, d; none means seconds)')
      .transform((text) => text.split(',').map(durationMs))
      .refine((delays) => delays.every((d) => d <= 7 * DAY_MS), 'each delay must be at most 7d'),
  ),
  FTM_SIMULATED_FT_SECONDS: optional(
    z.coerce.number({ error: 'must be a whole number of seconds' }).int('must be a whole number of seconds').min(4, 'must be at least 4').max(3600, 'must be at most 3600'),
  ),
  FTM_TEST_CRASH_AFTER_COMMIT: optional(z.string().regex(/^(POST|PUT|PATCH) \/\S*$/, 'must be METHOD /route, e.g. POST /model-versions')),
  ...RateLimitEnv,
});

const DAY_MS = 24 * 60 * 60 * 1000;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS };

/** `5m` → 300000; a bare number is seconds. */
function durationMs(text: string): number {
  const [, amount = '0', unit = 's'] = /^(\d+)(ms|s|m|h|d)?$/.exec(text.trim()) ?? [];
  return Number(amount) * UNIT_MS[unit]!;
}

function isSecretsKey(text: string): boolean {
  try {
    parseSecretsKey(text);
    return true;
  } catch {
    return false;
  }
}

/** `30,7` → [30, 7] (distinct, farthest first); `none` → []; unset → the default (30 and 7 days). */
function retirementWarningDays(raw: string | undefined): number[] {
  if (raw === undefined) return [...DEFAULT_RETIREMENT_WARNING_DAYS];
  if (raw === 'none') return [];
  return [...new Set(raw.split(',').map((d) => Number(d.trim())))].sort((a, b) => b - a);
}

function parseOrigins(raw: string | undefined, problems: string[]): string[] {
  if (!raw) return [];
  const origins = raw
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const o of origins) {
    if (o === '*') continue;
    let ok = false;
    try {
      const u = new URL(o);
      ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === o;
    } catch {
      ok = false;
    }
    if (!ok) problems.push(`FTM_CORS_ORIGINS: ${JSON.stringify(o)} is not an origin like https://app.example.com (or *)`);
  }
  return origins;
}

/**
 * Parses the FTM_* variables. Every problem is collected and thrown together as a ConfigError,
 * one line per variable; values are never echoed, since some are secrets. `FTM_ENV=prod` also
 * refuses the embedded defaults, a missing signing key and wildcard CORS. Every secret may come
 * from a file instead (`<NAME>_FILE`, see secret-files.ts).
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): FtmConfig {
  const secrets = readSecretFiles(env);
  if (secrets.problems.length > 0) throw new ConfigError(secrets.problems);
  const parsed = EnvSchema.safeParse(secrets.env);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const mode = e.FTM_ENV ?? 'dev';
  const dataDir = resolve(e.FTM_DATA_DIR ?? './.ftm');
  const corsOrigins = parseOrigins(e.FTM_CORS_ORIGINS, problems);

  const queue = parseQueueSettings(e, mode, problems);
  // Every Orchestrator-family service authenticates FTM with the same key: without it, the URL
  // would be ignored (or called unauthenticated), a silent misconfiguration.
  for (const name of ['FTM_ORCHESTRATOR_URL', 'FTM_TRISM_URL', 'FTM_PRISM_URL', 'FTM_VECTOR_URL'] as const) {
    if (e[name] && !e.FTM_ORCHESTRATOR_API_KEY) problems.push(`FTM_ORCHESTRATOR_API_KEY: required when ${name} is set`);
  }

  if (e.FTM_TEST_CRASH_AFTER_COMMIT && mode !== 'dev') problems.push('FTM_TEST_CRASH_AFTER_COMMIT: a test-only fault injection; refused unless FTM_ENV=dev');
  if (mode === 'prod') {
    if (!e.FTM_DATABASE_URL) problems.push('FTM_DATABASE_URL: required when FTM_ENV=prod (the embedded PGlite database is for dev only)');
    if (!e.FTM_STORAGE_URI) problems.push('FTM_STORAGE_URI: required when FTM_ENV=prod (s3://bucket/prefix)');
    else if (e.FTM_STORAGE_URI.startsWith('file:')) problems.push('FTM_STORAGE_URI: file: storage is for dev only; use s3:// when FTM_ENV=prod');
    if (!e.FTM_WEBHOOK_SIGNING_KEY) problems.push('FTM_WEBHOOK_SIGNING_KEY: required when FTM_ENV=prod');
    if (corsOrigins.includes('*')) problems.push('FTM_CORS_ORIGINS: * (any origin) is refused when FTM_ENV=prod; list the allowed origins');
  }
  const providers = parseProviderSettings(e, problems);
  const previousSecretsKeys = commaList(e.FTM_SECRETS_PREVIOUS_KEYS);
  if (previousSecretsKeys.some((k) => !isSecretsKey(k))) problems.push('FTM_SECRETS_PREVIOUS_KEYS: every entry must be 32 random bytes written as base64 or hex');
  if (previousSecretsKeys.length > 0 && !e.FTM_SECRETS_KEY) problems.push('FTM_SECRETS_KEY: required when FTM_SECRETS_PREVIOUS_KEYS is set (the new key of the rotation)');
  const previousSigningKeys = commaList(e.FTM_WEBHOOK_PREVIOUS_SIGNING_KEYS);
  if (previousSigningKeys.some((k) => !WHSEC_RE.test(k))) problems.push('FTM_WEBHOOK_PREVIOUS_SIGNING_KEYS: every entry must be a whsec_ secret');
  if (problems.length > 0) throw new ConfigError(problems);

  const optionalFields = {
    ...(e.FTM_ORCHESTRATOR_URL && e.FTM_ORCHESTRATOR_API_KEY ? { orchestrator: { url: e.FTM_ORCHESTRATOR_URL, apiKey: e.FTM_ORCHESTRATOR_API_KEY } } : {}),
    ...(e.FTM_ORCHESTRATOR_API_KEY ? { integrationApiKey: e.FTM_ORCHESTRATOR_API_KEY } : {}),
    ...(e.FTM_TRISM_URL ? { trismUrl: e.FTM_TRISM_URL } : {}),
    ...(e.FTM_PRISM_URL ? { prismUrl: e.FTM_PRISM_URL } : {}),
    ...(e.FTM_VECTOR_URL ? { vectorUrl: e.FTM_VECTOR_URL } : {}),
    ...(e.FTM_WEBHOOK_SIGNING_KEY ? { webhookSigningKey: e.FTM_WEBHOOK_SIGNING_KEY } : {}),
    ...(e.FTM_OTEL_EXPORTER_OTLP_ENDPOINT ? { otelEndpoint: e.FTM_OTEL_EXPORTER_OTLP_ENDPOINT } : {}),
  };
  return {
    env: mode,
    webhookPreviousSigningKeys: previousSigningKeys,
    ...(e.FTM_WEBHOOK_RETRY_SCHEDULE ? { webhookRetryScheduleMs: e.FTM_WEBHOOK_RETRY_SCHEDULE } : {}),
    webhookAllowedDestinations: commaList(e.FTM_WEBHOOK_ALLOWED_DESTINATIONS),
    host: e.FTM_HOST ?? '127.0.0.1',
    port: e.FTM_PORT ?? 8080,
    dataDir,
    database: e.FTM_DATABASE_URL ? { kind: 'postgres', url: e.FTM_DATABASE_URL } : { kind: 'pglite', dataDir: resolve(dataDir, 'db') },
    storage: {
      uri: e.FTM_STORAGE_URI ?? `file:${resolve(dataDir, 'blobs')}`,
      ...(e.FTM_STORAGE_REGION ? { region: e.FTM_STORAGE_REGION } : {}),
      ...(e.FTM_STORAGE_ENDPOINT ? { endpoint: e.FTM_STORAGE_ENDPOINT } : {}),
    },
    queue,
    providers,
    secrets: { ...(e.FTM_SECRETS_KEY ? { key: e.FTM_SECRETS_KEY } : {}), previousKeys: previousSecretsKeys },
    logLevel: e.FTM_LOG_LEVEL ?? 'info',
    corsOrigins,
    authCacheTtlMs: e.FTM_AUTH_CACHE_TTL_MS ?? 30_000,
    // Most jobs wait on I/O (webhook POSTs up to 15 s, provider polls); dataset builds have their
    // own thread pool and eval runs their own per-run limit, so a few dozen slots cost little.
    workerConcurrency: e.FTM_WORKER_CONCURRENCY ?? 24,
    datasetDedupMemoryBytes: (e.FTM_DATASET_DEDUP_MEMORY_MB ?? DEFAULT_DEDUP_MEMORY_BYTES / MB) * MB,
    bodyLimitBytes: e.FTM_BODY_LIMIT_BYTES ?? 1024 * 1024,
    // OTLP recommends a 20 MiB limit (before and after decompression); spans are kept 30 days.
    otlp: { pathPrefix: e.FTM_OTLP_PATH_PREFIX ?? '/otlp', maxBodyBytes: e.FTM_OTLP_MAX_BODY_BYTES ?? 20 * MB, retentionDays: e.FTM_OTLP_RETENTION_DAYS ?? 30 },
    retirementWarningDays: retirementWarningDays(e.FTM_RETIREMENT_WARNING_DAYS),
    rateLimit: rateLimitSettings(e, queue),
    trustProxy: trustProxySetting(e.FTM_TRUST_PROXY),
    ...(e.FTM_METRICS_TOKEN ? { metricsToken: e.FTM_METRICS_TOKEN } : {}),
    ...(e.FTM_OPERATOR_TOKEN ? { operatorToken: e.FTM_OPERATOR_TOKEN } : {}),
    console: e.FTM_CONSOLE !== 'off',
    ...(e.FTM_WORKER_METRICS_PORT !== undefined ? { workerMetricsPort: e.FTM_WORKER_METRICS_PORT } : {}),
    ...(e.FTM_SIMULATED_FT_SECONDS ? { simulatedFtSeconds: e.FTM_SIMULATED_FT_SECONDS } : {}),
    ...(e.FTM_TEST_CRASH_AFTER_COMMIT ? { testCrashAfterCommit: e.FTM_TEST_CRASH_AFTER_COMMIT } : {}),
    ...optionalFields,
  };
}
