import OpenAI, { APIConnectionError, APIError, AzureOpenAI } from 'openai';
import { retry } from '../../shared/backoff.js';
import { notifyHttpAttempt, parseRetryAfterMs, type RetryPolicy } from '../../shared/http-client.js';
import { DependencyUnavailableError, NotFoundError, RateLimitedError } from '../../shared/errors.js';
import { ProviderRequestError } from '../../providers/provider-errors.js';

/** How to reach an OpenAI(-compatible) endpoint through the official `openai` package. */
export interface OpenAiSdkSettings {
  readonly name: string;
  readonly apiKey: string;
  /** `https://api.openai.com/v1` by default; Azure: `https://<resource>.openai.azure.com/openai`. */
  readonly baseUrl?: string;
  /** `api-key`: Azure OpenAI (`AzureOpenAI`, with `apiVersion`); else a bearer key (`OpenAI`). */
  readonly authHeader?: 'bearer' | 'api-key';
  readonly apiVersion?: string;
  readonly organization?: string;
  readonly project?: string;
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch;
}

/**
 * The `openai` package's client for these settings. Every option is passed explicitly so nothing is
 * read from OPENAI_* / AZURE_OPENAI_* variables of the process. The package's own retries are off
 * (`maxRetries: 0`): {@link withRetries} retries with FTM's policy (capped Retry-After, jitter,
 * injectable sleep), and creates are never retried blind. Its fetch reports every attempt to the
 * HTTP metrics like HttpClient does.
 */
export function createOpenAiSdkClient(s: OpenAiSdkSettings): OpenAI {
  const base = s.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
  const observed: typeof fetch = async (input, init) => {
    try {
      const res = await base(input, init);
      notifyHttpAttempt({ dependency: s.name, status: res.status });
      return res;
    } catch (error) {
      notifyHttpAttempt({ dependency: s.name, status: (error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError' ? 'timeout' : 'network_error' });
      throw error;
    }
  };
  const common = { apiKey: s.apiKey, timeout: s.timeoutMs, maxRetries: 0, fetch: observed };
  if (s.authHeader === 'api-key') {
    if (!s.baseUrl || !s.apiVersion) throw new TypeError('Azure OpenAI needs its resource base URL and api-version');
    return new AzureOpenAI({ ...common, baseURL: s.baseUrl, apiVersion: s.apiVersion });
  }
  return new OpenAI({ ...common, baseURL: s.baseUrl ?? 'https://api.openai.com/v1', organization: s.organization ?? null, project: s.project ?? null, webhookSecret: null });
}

const RETRYABLE = new Set([408, 409, 425, 429, 500, 502, 503, 504]);
const MAX_RETRY_AFTER_MS = 60_000;

/** FTM's bounded retry around one SDK call: 408/409/425/429/5xx and connection errors, honouring Retry-After (capped). */
export async function withRetries<T>(call: () => Promise<T>, policy: RetryPolicy & { readonly sleep?: (ms: number) => Promise<void> }): Promise<T> {
  return retry(call, {
    attempts: policy.maxAttempts,
    baseMs: policy.baseDelayMs,
    maxMs: policy.maxDelayMs,
    isRetryable: (error) => error instanceof APIConnectionError || (error instanceof APIError && error.status !== undefined && RETRYABLE.has(error.status)),
    delayMs: (error) => {
      const retryAfterMs = error instanceof APIError ? parseRetryAfterMs(error.headers?.get('retry-after') ?? null) : undefined;
      return retryAfterMs !== undefined ? Math.min(retryAfterMs, MAX_RETRY_AFTER_MS) : undefined;
    },
    ...(policy.sleep ? { sleep: policy.sleep } : {}),
  });
}

const SECRET_LIKE = /\b(sk-[A-Za-z0-9_*.-]{4,}|[A-Fa-f0-9]{32})\b/g;

/**
 * The SDK's errors as FTM's: 429 → RateLimitedError (Retry-After), 5xx/408 and connection errors →
 * DependencyUnavailableError, 404 on a known resource → NotFoundError, other refusals →
 * ProviderRequestError with the provider's message (keys redacted), code and param.
 */
export function mapOpenAiError(name: string, error: unknown, resource?: { readonly type: string; readonly id: string }): unknown {
  if (error instanceof APIConnectionError) return new DependencyUnavailableError(name, `${name} could not be reached`, { cause: error });
  if (!(error instanceof APIError) || error.status === undefined) return error;
  const body = (error.error ?? null) as { message?: unknown; code?: unknown; param?: unknown } | null;
  const message = (typeof body?.message === 'string' ? body.message : `HTTP ${error.status}`).replace(SECRET_LIKE, '[redacted]');
  if (error.status === 429) {
    const retryAfterMs = parseRetryAfterMs(error.headers?.get('retry-after') ?? null);
    return new RateLimitedError(`${name} is rate limiting requests: ${message}`, Math.ceil((retryAfterMs ?? 1_000) / 1000));
  }
  if (error.status >= 500 || error.status === 408) return new DependencyUnavailableError(name, `${name} did not answer successfully (HTTP ${error.status})`, { cause: error });
  if (error.status === 404 && resource) return new NotFoundError(resource.type, resource.id);
  const code = body?.code === null || body?.code === undefined ? null : String(body.code);
  return new ProviderRequestError(name, error.status, message, code, typeof body?.param === 'string' ? body.param : null);
}
