import { z } from 'zod';
import { HttpClient, HttpStatusError, type RetryPolicy } from '../../shared/http-client.js';
import { RateLimitedError } from '../../shared/errors.js';
import { ProviderRequestError } from '../../providers/provider-errors.js';
import type { Completion, CompletionRequest, ModelRunner, RunnerModel, RunnerToolCall } from '../../runners/model-runner.js';
import { OpenAiErrorBody } from './openai-wire.js';

/** Configuration of an OpenAI(-compatible) chat-completions endpoint. */
export interface OpenAiChatRunnerConfig {
  readonly apiKey: string;
  /** `https://api.openai.com/v1` by default. */
  readonly baseUrl?: string;
  /** Azure OpenAI authenticates with an `api-key` header instead of a bearer token. */
  readonly authHeader?: 'bearer' | 'api-key';
  readonly apiVersion?: string;
  /** Azure OpenAI: the model id is a deployment name, called at `/deployments/{id}/chat/completions`. */
  readonly deploymentInPath?: boolean;
  readonly organization?: string;
  readonly project?: string;
  /**
   * The completion-length field: OpenAI's `max_completion_tokens` by default; OpenAI-compatible
   * services that only document `max_tokens` (Together) take that.
   */
  readonly maxTokensField?: 'max_completion_tokens' | 'max_tokens';
  /** Provider name the registry files it under (`openai` unless another compatible service). */
  readonly name?: string;
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Injected for tests: the wall clock latency is measured with. */
  readonly now?: () => number;
}

const WireToolCall = z.object({
  id: z.string(),
  type: z.literal('function'),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

/** The parts of a chat completion object (OpenAI API reference) FTM reads. */
const ChatCompletion = z.object({
  id: z.string(),
  object: z.literal('chat.completion'),
  model: z.string(),
  choices: z
    .array(
      z.object({
        index: z.number(),
        finish_reason: z.string().nullable(),
        message: z.object({
          role: z.literal('assistant'),
          content: z.string().nullable(),
          refusal: z.string().nullish(),
          tool_calls: z.array(WireToolCall).nullish(),
        }),
      }),
    )
    .min(1),
  usage: z.object({ prompt_tokens: z.number().int().nonnegative(), completion_tokens: z.number().int().nonnegative() }),
});

const SECRET_LIKE = /\b(sk-[A-Za-z0-9_*.-]{4,}|[A-Fa-f0-9]{32})\b/g;

/**
 * `POST /chat/completions` behind the ModelRunner port: tools, `response_format`, sampling
 * params; HttpClient's timeout, retries on 429/5xx honouring Retry-After, and circuit breaker.
 */
export class OpenAiChatRunner implements ModelRunner {
  readonly name: string;
  readonly #client: HttpClient;
  readonly #apiVersion: string | undefined;
  readonly #deploymentInPath: boolean;
  readonly #maxTokensField: 'max_completion_tokens' | 'max_tokens';
  readonly #now: () => number;

  constructor(config: OpenAiChatRunnerConfig) {
    this.name = config.name ?? 'openai';
    const headers: Record<string, string> =
      config.authHeader === 'api-key' ? { 'api-key': config.apiKey } : { authorization: `Bearer ${config.apiKey}` };
    if (config.organization) headers['openai-organization'] = config.organization;
    if (config.project) headers['openai-project'] = config.project;
    this.#apiVersion = config.apiVersion;
    this.#deploymentInPath = config.deploymentInPath ?? false;
    this.#maxTokensField = config.maxTokensField ?? 'max_completion_tokens';
    this.#now = config.now ?? performance.now.bind(performance);
    this.#client = new HttpClient({
      name: this.name,
      baseUrl: config.baseUrl ?? 'https://api.openai.com/v1',
      headers,
      timeoutMs: config.timeoutMs ?? 60_000,
      retry: { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 8_000, ...config.retry },
      ...(config.fetch ? { fetch: config.fetch } : {}),
      ...(config.sleep ? { sleep: config.sleep } : {}),
    });
  }

  async complete(model: RunnerModel, request: CompletionRequest, options: { readonly signal?: AbortSignal } = {}): Promise<Completion> {
    const params = request.params ?? {};
    const body: Record<string, unknown> = { model: model.id, messages: request.messages };
    if (request.tools && request.tools.length > 0) body.tools = request.tools;
    if (request.responseFormat) body.response_format = request.responseFormat;
    if (params.temperature !== undefined) body.temperature = params.temperature;
    if (params.top_p !== undefined) body.top_p = params.top_p;
    if (params.seed !== undefined) body.seed = params.seed;
    // max_tokens is deprecated in favour of max_completion_tokens (and refused by o-series models).
    if (params.max_tokens !== undefined) body[this.#maxTokensField] = params.max_tokens;
    const started = this.#now();
    let answer: unknown;
    let status: number;
    try {
      const res = await this.#client.request({
        method: 'POST',
        path: this.#deploymentInPath ? `/deployments/${encodeURIComponent(model.id)}/chat/completions` : '/chat/completions',
        body,
        ...(this.#apiVersion ? { query: { 'api-version': this.#apiVersion } } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      answer = res.body;
      status = res.status;
    } catch (error) {
      throw this.#mapError(error);
    }
    const latencyMs = Math.max(0, this.#now() - started);
    const parsed = ChatCompletion.safeParse(answer);
    if (!parsed.success) throw new ProviderRequestError(this.name, status, 'answered with a body that does not match the chat completion object');
    const choice = parsed.data.choices[0]!;
    const toolCalls: RunnerToolCall[] = (choice.message.tool_calls ?? []).map((c) => ({ id: c.id, type: 'function', function: { name: c.function.name, arguments: c.function.arguments } }));
    return {
      content: choice.message.content ?? null,
      toolCalls,
      usage: { inputTokens: parsed.data.usage.prompt_tokens, outputTokens: parsed.data.usage.completion_tokens },
      latencyMs,
      model: parsed.data.model,
    };
  }

  /** 429 after retries → RateLimitedError; other refusals → ProviderRequestError; outages pass as is. */
  #mapError(error: unknown): unknown {
    if (!(error instanceof HttpStatusError)) return error;
    const detail = OpenAiErrorBody.safeParse(error.body);
    const message = (detail.success ? detail.data.error.message : `HTTP ${error.status}`).replace(SECRET_LIKE, '[redacted]');
    if (error.status === 429) return new RateLimitedError(`${this.name} is rate limiting requests: ${message}`, Math.ceil((error.retryAfterMs ?? 1_000) / 1000));
    const code = detail.success ? detail.data.error.code : null;
    return new ProviderRequestError(this.name, error.status, message, code === null || code === undefined ? null : String(code), detail.success ? (detail.data.error.param ?? null) : null);
  }
}
