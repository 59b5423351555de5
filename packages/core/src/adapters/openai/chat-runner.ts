import { z } from 'zod';
import type OpenAI from 'openai';
import type { RetryPolicy } from '../../shared/http-client.js';
import { ProviderRequestError } from '../../providers/provider-errors.js';
import type { Completion, CompletionRequest, ModelRunner, RunnerModel, RunnerToolCall } from '../../runners/model-runner.js';
import { createOpenAiSdkClient, mapOpenAiError, withRetries } from './openai-sdk-client.js';

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

/**
 * `POST /chat/completions` behind the ModelRunner port, through the official `openai` package
 * (`AzureOpenAI` for Azure, which calls `/deployments/{model}/chat/completions` with `api-version`):
 * tools, `response_format`, sampling params; a timeout, and FTM's bounded retries on 429/5xx
 * honouring Retry-After.
 */
export class OpenAiChatRunner implements ModelRunner {
  readonly name: string;
  readonly #client: OpenAI;
  readonly #retry: RetryPolicy & { readonly sleep?: (ms: number) => Promise<void> };
  readonly #maxTokensField: 'max_completion_tokens' | 'max_tokens';
  readonly #now: () => number;

  constructor(config: OpenAiChatRunnerConfig) {
    this.name = config.name ?? 'openai';
    this.#maxTokensField = config.maxTokensField ?? 'max_completion_tokens';
    this.#now = config.now ?? performance.now.bind(performance);
    // Azure runs deployments; the package maps `model` to `/deployments/{model}` for an `api-key` client.
    const azure = config.authHeader === 'api-key' || config.deploymentInPath === true;
    this.#client = createOpenAiSdkClient({
      name: this.name,
      apiKey: config.apiKey,
      ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
      ...(azure ? { authHeader: 'api-key' as const } : {}),
      ...(config.apiVersion ? { apiVersion: config.apiVersion } : {}),
      ...(config.organization ? { organization: config.organization } : {}),
      ...(config.project ? { project: config.project } : {}),
      timeoutMs: config.timeoutMs ?? 60_000,
      ...(config.fetch ? { fetch: config.fetch } : {}),
    });
    this.#retry = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 8_000, ...config.retry, ...(config.sleep ? { sleep: config.sleep } : {}) };
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
    try {
      answer = await withRetries(
        () => this.#client.chat.completions.create(body as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming, options.signal ? { signal: options.signal } : {}),
        this.#retry,
      );
    } catch (error) {
      throw mapOpenAiError(this.name, error);
    }
    const latencyMs = Math.max(0, this.#now() - started);
    const parsed = ChatCompletion.safeParse(answer);
    if (!parsed.success) throw new ProviderRequestError(this.name, 200, 'answered with a body that does not match the chat completion object');
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
}
