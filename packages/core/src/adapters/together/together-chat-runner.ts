import { OpenAiChatRunner, type OpenAiChatRunnerConfig } from '../openai/chat-runner.js';
import { TOGETHER_DEFAULT_BASE_URL } from './together-fine-tune-provider.js';

/** Configuration of Together's chat completions for one credential. */
export type TogetherChatRunnerConfig = Pick<OpenAiChatRunnerConfig, 'apiKey' | 'baseUrl' | 'timeoutMs' | 'retry' | 'fetch' | 'sleep' | 'now'>;

/**
 * Eval runs and judges on Together: its `POST /chat/completions` is OpenAI-compatible (bearer key,
 * messages, tools, `response_format`, the same error body) except that the length limit is
 * `max_tokens`, so it is the OpenAI chat runner pointed at Together. Base and fine-tuned models are
 * called by name (a fine-tuned model by its `model_output_name`).
 */
export function createTogetherChatRunner(config: TogetherChatRunnerConfig): OpenAiChatRunner {
  return new OpenAiChatRunner({ ...config, baseUrl: config.baseUrl ?? TOGETHER_DEFAULT_BASE_URL, name: 'together', maxTokensField: 'max_tokens' });
}
