import type { ProviderCredential, ProviderScope } from '../providers/provider-credentials.js';

/** One chat turn in the OpenAI chat format (what eval cases and datasets hold). */
export interface RunnerMessage {
  readonly role: 'system' | 'user' | 'assistant' | 'tool' | 'developer';
  readonly content: string | null;
  readonly tool_calls?: readonly RunnerToolCall[];
  readonly tool_call_id?: string;
  readonly name?: string;
}

/** A function call the model made; `arguments` is the JSON text the model produced. */
export interface RunnerToolCall {
  readonly id: string;
  readonly type: 'function';
  readonly function: { readonly name: string; readonly arguments: string };
}

/** Sampling parameters of a run (the contract's EvalRun.params). */
export interface CompletionParams {
  readonly temperature?: number;
  readonly max_tokens?: number;
  readonly seed?: number;
  readonly top_p?: number;
}

/** `response_format` as chat completions takes it. */
export type ResponseFormat =
  | { readonly type: 'text' }
  | { readonly type: 'json_object' }
  | { readonly type: 'json_schema'; readonly json_schema: { readonly name: string; readonly schema: Record<string, unknown>; readonly strict?: boolean } };

/** What to complete: the conversation, the tools offered and the answer format. */
export interface CompletionRequest {
  readonly messages: readonly RunnerMessage[];
  /** Tool definitions in the chat-completions shape (`{ type: 'function', function: {...} }`). */
  readonly tools?: readonly Record<string, unknown>[];
  readonly responseFormat?: ResponseFormat;
  readonly params?: CompletionParams;
}

/** The model to call, already resolved from a model ref. */
export interface RunnerModel {
  /** The provider's model id (`gpt-4o-mini-2024-07-18`, `ft:gpt-4o-mini:org::abc`). */
  readonly id: string;
  /** Which provider serves it (`openai`, `simulated`, …). */
  readonly provider: string;
  /**
   * The dataset a fine-tuned model was trained on, when FTM knows it. Only the simulated runner
   * reads it (it answers from that data); a real provider knows its own models.
   */
  readonly trainedOn?: { readonly tenantId: string; readonly datasetId: string };
}

/** Tokens the provider billed for one call. */
export interface CompletionUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** One completion: the assistant's text and tool calls, usage, and wall time of the call. */
export interface Completion {
  readonly content: string | null;
  readonly toolCalls: readonly RunnerToolCall[];
  readonly usage: CompletionUsage;
  readonly latencyMs: number;
  /** The model id the provider says answered (may be a dated snapshot of the requested one). */
  readonly model: string;
}

/**
 * Runs a model on a conversation. Adapters retry transient failures themselves (through
 * HttpClient); what still fails is a DependencyUnavailableError or RateLimitedError (transient:
 * the caller may retry later) or a ProviderRequestError-like FtmError (the request is refused).
 */
export interface ModelRunner {
  /** Names the implementation (`openai`, `simulated`). */
  readonly name: string;
  complete(model: RunnerModel, request: CompletionRequest, options?: { readonly signal?: AbortSignal }): Promise<Completion>;
}

/** A provider whose runner is built per credential. */
export interface RunnerEndpoint {
  /** The server's credential (FTM_<PROVIDER>_API_KEY), used when the scope stored none. */
  readonly defaultCredential: ProviderCredential | null;
  create(credential: ProviderCredential): ModelRunner;
}

/** Picks the runner that serves a provider's models, with the credential of the caller's scope. */
export interface ModelRunnerRegistry {
  /** The provider a `base_model` ref runs on: `openai` when configured, else `simulated`. */
  readonly defaultProvider: string;
  /**
   * The runner for a provider in a scope. ValidationError when no runner exists for the provider;
   * ConflictError `provider_not_configured` when it needs a credential the scope lacks.
   */
  resolve(provider: string, scope: ProviderScope): Promise<ModelRunner>;
}
