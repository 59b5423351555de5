import type { z } from 'zod';
import OpenAI, { toStreamingFile } from 'openai';
import type { RetryPolicy } from '../../shared/http-client.js';
import {
  FTM_JOB_METADATA_KEY,
  type CreateProviderJobInput,
  type FineTuneMethod,
  type FineTuneProvider,
  type ProviderCapabilities,
  type ProviderCheckpoint,
  type ProviderEvent,
  type ProviderJob,
  type TrainingFileSource,
} from '../../providers/fine-tune-provider.js';
import { ProviderRequestError } from '../../providers/provider-errors.js';
import { defineCapabilities, withBaseModels, type CapabilityDeclaration } from '../../providers/provider-capabilities.js';
import { OPENAI_CAPABILITIES } from '../../providers/catalog/openai-catalog.js';
import { createOpenAiSdkClient, mapOpenAiError, withRetries } from './openai-sdk-client.js';
import { OpenAiCheckpoint, OpenAiFile, OpenAiFineTuningJob, OpenAiJobEvent, openAiList } from './openai-wire.js';

/** Configuration of one OpenAI(-compatible) fine-tuning endpoint and credential. */
export interface OpenAiProviderConfig {
  readonly apiKey: string;
  /** `https://api.openai.com/v1` by default; for Azure OpenAI e.g. `https://<resource>.openai.azure.com/openai/v1`. */
  readonly baseUrl?: string;
  /** Azure OpenAI authenticates with an `api-key` header instead of a bearer token. */
  readonly authHeader?: 'bearer' | 'api-key';
  /** Azure OpenAI's `api-version` query parameter, added to every request when set. */
  readonly apiVersion?: string;
  readonly organization?: string;
  readonly project?: string;
  /** Name stored on jobs; `openai` unless this is another OpenAI-compatible service. */
  readonly name?: string;
  /** Base models to advertise, when the endpoint offers others than OpenAI's list. */
  readonly models?: readonly string[];
  /** What differs from OpenAI's catalogue at this endpoint (Azure: no retirement date, no webhooks). */
  readonly capabilities?: Partial<CapabilityDeclaration>;
  readonly timeoutMs?: number;
  readonly uploadTimeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** What an OpenAI(-compatible) endpoint offers, from OpenAI's catalogue and the endpoint's differences; no credential needed. */
export function openAiEndpointCapabilities(config: Pick<OpenAiProviderConfig, 'name' | 'models' | 'capabilities'>): ProviderCapabilities {
  const declared = defineCapabilities({ ...OPENAI_CAPABILITIES, ...config.capabilities, provider: config.name ?? 'openai' });
  return config.models ? withBaseModels(declared, config.models) : declared;
}

/**
 * The OpenAI (or Azure OpenAI) fine-tuning API behind the provider port, through the official
 * `openai` package (`OpenAI`, or `AzureOpenAI` for `authHeader: 'api-key'`). FTM keeps its own
 * retry policy (bounded, Retry-After capped, jittered), sends creates once with the Idempotency-Key
 * `ftm-<job id>` and the job id in metadata, and validates every answer against the API reference.
 */
export class OpenAiFineTuneProvider implements FineTuneProvider {
  readonly name: string;
  readonly simulated = false;
  readonly #client: OpenAI;
  readonly #retry: RetryPolicy & { readonly sleep?: (ms: number) => Promise<void> };
  readonly #uploadRetry: RetryPolicy & { readonly sleep?: (ms: number) => Promise<void> };
  readonly #uploadTimeoutMs: number;
  readonly #capabilities: ProviderCapabilities;

  constructor(config: OpenAiProviderConfig) {
    this.name = config.name ?? 'openai';
    this.#capabilities = openAiEndpointCapabilities(config);
    this.#client = createOpenAiSdkClient({
      name: this.name,
      apiKey: config.apiKey,
      ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
      ...(config.authHeader ? { authHeader: config.authHeader } : {}),
      ...(config.apiVersion ? { apiVersion: config.apiVersion } : {}),
      ...(config.organization ? { organization: config.organization } : {}),
      ...(config.project ? { project: config.project } : {}),
      timeoutMs: config.timeoutMs ?? 30_000,
      ...(config.fetch ? { fetch: config.fetch } : {}),
    });
    const sleep = config.sleep ? { sleep: config.sleep } : {};
    this.#retry = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 8_000, ...config.retry, ...sleep };
    this.#uploadRetry = { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 10_000, ...config.retry, ...sleep };
    this.#uploadTimeoutMs = config.uploadTimeoutMs ?? 600_000;
  }

  capabilities(): ProviderCapabilities {
    return this.#capabilities;
  }

  async uploadTrainingFile(source: TrainingFileSource, options: { readonly filename: string }): Promise<{ id: string; bytes: number }> {
    // Streamed part by part (never held in memory); each attempt re-opens the source.
    const file = await this.#run(
      OpenAiFile,
      async () =>
        this.#client.files.create(
          { file: toStreamingFile(asyncChunks(await source.open()), options.filename, { type: 'application/jsonl' }), purpose: 'fine-tune' },
          { timeout: this.#uploadTimeoutMs },
        ),
      this.#uploadRetry,
    );
    return { id: file.id, bytes: file.bytes };
  }

  async createJob(input: CreateProviderJobInput): Promise<ProviderJob> {
    const body: Record<string, unknown> = {
      model: input.model,
      training_file: input.trainingFileId,
      method: toWireMethod(input.method),
      metadata: { ...input.metadata, [FTM_JOB_METADATA_KEY]: input.idempotencyKey },
    };
    if (input.validationFileId) body.validation_file = input.validationFileId;
    if (input.suffix) body.suffix = input.suffix;
    if (input.seed !== undefined && input.seed !== null) body.seed = input.seed;
    // Sent once: a 5xx may come after the job was made, so the caller looks it up before trying again.
    const job = await this.#run(
      OpenAiFineTuningJob,
      () => this.#client.fineTuning.jobs.create(body as unknown as OpenAI.FineTuning.JobCreateParams, { headers: { 'idempotency-key': `ftm-${input.idempotencyKey}` } }),
      { ...this.#retry, maxAttempts: 1 },
    );
    return toProviderJob(job);
  }

  async findJobByIdempotencyKey(idempotencyKey: string): Promise<ProviderJob | null> {
    // The metadata filter finds it directly; the client-side check guards endpoints that ignore it.
    let after: string | undefined;
    for (let page = 0; page < 10; page++) {
      const list = await this.#run(openAiList(OpenAiFineTuningJob), () =>
        this.#client.fineTuning.jobs.list({ limit: 100, ...(after ? { after } : {}), metadata: { [FTM_JOB_METADATA_KEY]: idempotencyKey } }).then(pageBody),
      );
      const match = list.data.find((job) => job.metadata?.[FTM_JOB_METADATA_KEY] === idempotencyKey);
      if (match) return toProviderJob(match);
      if (!list.has_more || list.data.length === 0) return null;
      after = list.data[list.data.length - 1]!.id;
    }
    return null;
  }

  async getJob(providerJobId: string): Promise<ProviderJob> {
    return toProviderJob(await this.#run(OpenAiFineTuningJob, () => this.#client.fineTuning.jobs.retrieve(providerJobId), this.#retry, providerJobId));
  }

  async listEvents(providerJobId: string, options: { readonly after?: string; readonly limit?: number } = {}): Promise<readonly ProviderEvent[]> {
    // OpenAI lists events newest first and pages towards older ones: read until the last event we
    // already have, then hand back the new ones oldest first.
    const fresh: ProviderEvent[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 50; page++) {
      const list = await this.#run(
        openAiList(OpenAiJobEvent),
        () => this.#client.fineTuning.jobs.listEvents(providerJobId, { limit: 100, ...(cursor ? { after: cursor } : {}) }).then(pageBody),
        this.#retry,
        providerJobId,
      );
      for (const e of list.data) {
        if (e.id === options.after) return fresh.reverse().slice(0, options.limit);
        fresh.push({ id: e.id, createdAt: fromUnix(e.created_at), level: e.level, message: e.message, type: e.type ?? 'message', data: e.data ?? null });
      }
      if (!list.has_more || list.data.length === 0) break;
      cursor = list.data[list.data.length - 1]!.id;
    }
    return fresh.reverse().slice(0, options.limit);
  }

  async listCheckpoints(providerJobId: string): Promise<readonly ProviderCheckpoint[]> {
    const list = await this.#run(openAiList(OpenAiCheckpoint), () => this.#client.fineTuning.jobs.checkpoints.list(providerJobId, { limit: 100 }).then(pageBody), this.#retry, providerJobId);
    return list.data.map((c) => ({
      id: c.id,
      createdAt: fromUnix(c.created_at),
      fineTunedModelCheckpoint: c.fine_tuned_model_checkpoint,
      stepNumber: c.step_number,
      metrics: c.metrics,
    }));
  }

  async cancelJob(providerJobId: string): Promise<ProviderJob> {
    return toProviderJob(await this.#run(OpenAiFineTuningJob, () => this.#client.fineTuning.jobs.cancel(providerJobId), this.#retry, providerJobId));
  }

  /** One SDK call with FTM's retries, its answer checked against the API reference, failures mapped to our errors. */
  async #run<S extends z.ZodType>(schema: S, call: () => Promise<unknown>, retry = this.#retry, jobId?: string): Promise<z.infer<S>> {
    let answer: unknown;
    try {
      answer = await withRetries(call, retry);
    } catch (error) {
      throw mapOpenAiError(this.name, error, jobId ? { type: `${this.name} fine-tuning job`, id: jobId } : undefined);
    }
    const parsed = schema.safeParse(answer);
    if (!parsed.success) throw new ProviderRequestError(this.name, 200, 'answered with a body that does not match its API reference');
    return parsed.data;
  }
}

/** A list page as its wire envelope (`object`, `data`, `has_more`), whatever page class the SDK returns. */
function pageBody(page: { readonly data: readonly unknown[]; readonly has_more?: boolean; hasNextPage?: () => boolean }): unknown {
  return { object: 'list', data: page.data, has_more: page.has_more ?? (page.hasNextPage ? page.hasNextPage() : false) };
}

async function* asyncChunks(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) yield chunk;
}

function fromUnix(seconds: number): Date {
  return new Date(seconds * 1000);
}

/** Our method object → OpenAI's `{ type, <type>: { hyperparameters } }`, leaving `auto` implicit. */
function toWireMethod(method: FineTuneMethod): Record<string, unknown> {
  const hyperparameters = Object.fromEntries(Object.entries(method.hyperparameters).filter(([, v]) => v !== undefined));
  if (method.type === 'reinforcement') return { type: 'reinforcement', reinforcement: { grader: method.grader, hyperparameters } };
  return { type: method.type, [method.type]: { hyperparameters } };
}

function toProviderJob(job: OpenAiFineTuningJob): ProviderJob {
  const type = job.method?.type ?? 'supervised';
  const hyperparameters = job.method?.[type]?.hyperparameters ?? job.hyperparameters ?? {};
  const error = job.error && job.error.message ? { code: job.error.code ?? null, message: job.error.message, param: job.error.param ?? null } : null;
  return {
    id: job.id,
    status: job.status,
    model: job.model,
    fineTunedModel: job.fine_tuned_model ?? null,
    trainedTokens: job.trained_tokens ?? null,
    error,
    createdAt: fromUnix(job.created_at),
    finishedAt: job.finished_at ? fromUnix(job.finished_at) : null,
    estimatedFinish: job.estimated_finish ? fromUnix(job.estimated_finish) : null,
    trainingFile: job.training_file,
    validationFile: job.validation_file ?? null,
    method: type,
    hyperparameters,
    metadata: job.metadata ?? {},
    resultFiles: job.result_files,
    seed: job.seed ?? null,
  };
}
