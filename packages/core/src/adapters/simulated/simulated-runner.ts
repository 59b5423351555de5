import { createHash } from 'node:crypto';
import { DependencyUnavailableError } from '../../shared/errors.js';
import { JUDGE_FORMAT_NAME } from '../../runners/judge-format.js';
import type { Completion, CompletionRequest, ModelRunner, RunnerMessage, RunnerModel, RunnerToolCall } from '../../runners/model-runner.js';

/** One training example as the simulated model remembers it: the user turn and the answer. */
export interface SimulatedExample {
  readonly prompt: string;
  readonly content: string | null;
  readonly toolCalls: readonly RunnerToolCall[];
}

/** Loads the examples a fine-tuned model was trained on (from the dataset's built JSONL). */
export type SimulatedExampleLoader = (trainedOn: NonNullable<RunnerModel['trainedOn']>) => Promise<readonly SimulatedExample[]>;

/** Options of the simulated runner. */
export interface SimulatedRunnerOptions {
  readonly examples: SimulatedExampleLoader;
  /** Simulated latency of every call in ms (default 0); reported as the call's latency. */
  readonly latencyMs?: number;
  /** The first N calls fail as a provider outage would (transient), for retry tests and demos. */
  readonly transientFailures?: number;
}

const WORD_RE = /[\p{L}\p{N}]+/gu;

/** Lower-cased word set of a text: what "nearest example" compares. */
export function wordSet(text: string): Set<string> {
  return new Set(text.toLowerCase().match(WORD_RE) ?? []);
}

/** Jaccard similarity of two word sets (1 for two empty sets). */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const w of small) if (large.has(w)) shared += 1;
  return shared / (a.size + b.size - shared);
}

/** The text of the last user turn: what a fine-tuned model's answer is keyed on. */
export function lastUserText(messages: readonly RunnerMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === 'user') return messages[i]!.content ?? '';
  return '';
}

/** Nearest-example lookup over one dataset: exact prompt first, else best word overlap. */
class ExampleIndex {
  readonly #exact = new Map<string, SimulatedExample>();
  readonly #entries: { words: Set<string>; example: SimulatedExample }[] = [];

  constructor(examples: readonly SimulatedExample[]) {
    for (const example of examples) {
      const key = example.prompt.trim().toLowerCase();
      if (!this.#exact.has(key)) this.#exact.set(key, example);
      this.#entries.push({ words: wordSet(example.prompt), example });
    }
  }

  nearest(prompt: string): SimulatedExample | undefined {
    const exact = this.#exact.get(prompt.trim().toLowerCase());
    if (exact) return exact;
    const words = wordSet(prompt);
    let best: SimulatedExample | undefined;
    let bestScore = -1;
    for (const entry of this.#entries) {
      const score = jaccard(words, entry.words);
      if (score > bestScore) {
        bestScore = score;
        best = entry.example;
      }
    }
    return best;
  }
}

const approxTokens = (text: string | null | undefined): number => (text ? Math.ceil(text.length / 4) : 0);

/**
 * A deterministic offline model. A fine-tuned model (one with `trainedOn`) answers with the answer
 * of its nearest training example by the user turn; any other model answers generically, in the
 * requested format, without calling tools. So, on a suite built from a dataset, the model trained
 * on it beats its base, as a real fine-tune would. Usage is estimated at ~4 characters per token.
 */
export class SimulatedRunner implements ModelRunner {
  readonly name = 'simulated';
  readonly #options: SimulatedRunnerOptions;
  readonly #indexes = new Map<string, Promise<ExampleIndex>>();
  #failuresLeft: number;

  constructor(options: SimulatedRunnerOptions) {
    this.#options = options;
    this.#failuresLeft = options.transientFailures ?? 0;
  }

  async complete(model: RunnerModel, request: CompletionRequest, options: { readonly signal?: AbortSignal } = {}): Promise<Completion> {
    if (this.#failuresLeft > 0) {
      this.#failuresLeft -= 1;
      throw new DependencyUnavailableError('simulated', 'the simulated model is unavailable (injected failure)');
    }
    const latencyMs = this.#options.latencyMs ?? 0;
    if (latencyMs > 0) await sleep(latencyMs, options.signal);
    options.signal?.throwIfAborted();
    const answer = await this.#answer(model, request);
    const inputTokens = request.messages.reduce((sum, m) => sum + 3 + approxTokens(m.content), 3);
    const outputTokens = 1 + approxTokens(answer.content) + answer.toolCalls.reduce((sum, c) => sum + approxTokens(c.function.name) + approxTokens(c.function.arguments), 0);
    return { content: answer.content, toolCalls: answer.toolCalls, usage: { inputTokens, outputTokens }, latencyMs, model: model.id };
  }

  async #answer(model: RunnerModel, request: CompletionRequest): Promise<{ content: string | null; toolCalls: readonly RunnerToolCall[] }> {
    const format = request.responseFormat;
    if (format?.type === 'json_schema' && format.json_schema.name === JUDGE_FORMAT_NAME) return { content: judge(request), toolCalls: [] };
    const prompt = lastUserText(request.messages);
    if (model.trainedOn) {
      const example = (await this.#index(model.trainedOn)).nearest(prompt);
      if (example) return { content: example.content, toolCalls: example.toolCalls };
    }
    const generic = genericAnswer(model.id, prompt);
    if (format?.type === 'json_object' || format?.type === 'json_schema') return { content: JSON.stringify({ answer: generic }), toolCalls: [] };
    return { content: generic, toolCalls: [] };
  }

  #index(trainedOn: NonNullable<RunnerModel['trainedOn']>): Promise<ExampleIndex> {
    const key = `${trainedOn.tenantId}/${trainedOn.datasetId}`;
    let index = this.#indexes.get(key);
    if (!index) {
      index = this.#options.examples(trainedOn).then((examples) => new ExampleIndex(examples));
      // A failed load must not stick: the next call tries again.
      index.catch(() => this.#indexes.delete(key));
      this.#indexes.set(key, index);
    }
    return index;
  }
}

/** A base model's answer: polite, on topic by name only, and the same for the same question. */
function genericAnswer(modelId: string, prompt: string): string {
  const topic = (prompt.match(WORD_RE) ?? []).slice(0, 6).join(' ');
  const variant = createHash('sha256').update(`${modelId}\u0000${prompt}`).digest()[0]! % 3;
  const openings = ['That is a good question.', 'Thanks for asking.', 'Happy to help.'];
  return `${openings[variant]} About "${topic}": it depends on your situation, so check the official documentation or ask a specialist.`;
}

/**
 * The simulated judge: FTM's judge prompt carries `{ rubric, input, output, expected }` as JSON;
 * the score is the word overlap of output and expected (0.5 when nothing is expected).
 */
function judge(request: CompletionRequest): string {
  let payload: { output?: unknown; expected?: unknown } = {};
  try {
    payload = JSON.parse(lastUserText(request.messages)) as typeof payload;
  } catch {
    return JSON.stringify({ score: 0, reasoning: 'the judge prompt was not understood' });
  }
  const output = typeof payload.output === 'string' ? payload.output : '';
  if (typeof payload.expected !== 'string') return JSON.stringify({ score: 0.5, reasoning: 'no reference answer to compare with' });
  const score = Math.round(jaccard(wordSet(output), wordSet(payload.expected)) * 1000) / 1000;
  return JSON.stringify({ score, reasoning: `the answer shares ${Math.round(score * 100)}% of its words with the reference` });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
