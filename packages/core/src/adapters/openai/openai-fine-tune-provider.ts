import type { z } from 'zod';
import { HttpClient, HttpStatusError, type HttpRequest, type RetryPolicy } from '../../shared/http-client.js';
import { NotFoundError, RateLimitedError } from '../../shared/errors.js';
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
import { multipartStream } from './multipart-stream.js';
import { OpenAiCheckpoint, OpenAiErrorBody, OpenAiFile, OpenAiFineTuningJob, OpenAiJobEvent, openAiList } from './openai-wire.js';

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

const SECRET_LIKE = /\b(sk-[A-Za-z0-9_*.-]{4,}|[A-Fa-f0-9]{32})\b/g;

/** The OpenAI fine-tuning API behind the provider port, through HttpClient. */
export class OpenAiFineTuneProvider implements FineTuneProvider {
  readonly name: string;
  readonly simulated = false;
  readonly #api: HttpClient;
  /** Creates are sent once per call: a 5xx may come after the job was made, so the caller looks it up before trying again. */
  readonly #create: HttpClient;
  readonly #uploads: HttpClient;
  readonly #config: OpenAiProviderConfig;
  readonly #capabilities: ProviderCapabilities;

  constructor(config: OpenAiProviderConfig) {
    this.#config = config;
    this.name = config.name ?? 'openai';
    this.#capabilities = openAiEndpointCapabilities(config);
    const headers: Record<string, string> =
      config.authHeader === 'api-key' ? { 'api-key': config.apiKey } : { authorization: `Bearer ${config.apiKey}` };
    if (config.organization) headers['openai-organization'] = config.organization;
    if (config.project) headers['openai-project'] = config.project;
    const common = { name: this.name, baseUrl: config.baseUrl ?? 'https://api.openai.com/v1', headers, fetch: config.fetch, sleep: config.sleep };
    this.#api = new HttpClient({ ...common, timeoutMs: config.timeoutMs ?? 30_000, retry: { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 8_000, ...config.retry } });
    this.#create = new HttpClient({ ...common, timeoutMs: config.timeoutMs ?? 30_000, retry: { maxAttempts: 1, baseDelayMs: 500, maxDelayMs: 8_000 } });
    this.#uploads = new HttpClient({ ...common, timeoutMs: config.uploadTimeoutMs ?? 600_000, retry: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 10_000, ...config.retry } });
  }

  capabilities(): ProviderCapabilities {
    return this.#capabilities;
  }

  async uploadTrainingFile(source: TrainingFileSource, options: { readonly filename: string }): Promise<{ id: string; bytes: number }> {
    const file = await this.#call(this.#uploads, OpenAiFile, {
      method: 'POST',
      path: '/files',
      rawBody: () =>
        multipartStream([
          { name: 'purpose', value: 'fine-tune' },
          { name: 'file', filename: options.filename, contentType: 'application/jsonl', open: () => source.open() },
        ]),
    });
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
    const job = await this.#call(this.#create, OpenAiFineTuningJob, {
      method: 'POST',
      path: '/fine_tuning/jobs',
      body,
      headers: { 'idempotency-key': `ftm-${input.idempotencyKey}` },
    });
    return toProviderJob(job);
  }

  async findJobByIdempotencyKey(idempotencyKey: string): Promise<ProviderJob | null> {
    // The metadata filter finds it directly; the client-side check guards endpoints that ignore it.
    let after: string | undefined;
    for (let page = 0; page < 10; page++) {
      const list = await this.#call(this.#api, openAiList(OpenAiFineTuningJob), {
        method: 'GET',
        path: '/fine_tuning/jobs',
        query: { limit: 100, after, [`metadata[${FTM_JOB_METADATA_KEY}]`]: idempotencyKey },
      });
      const match = list.data.find((job) => job.metadata?.[FTM_JOB_METADATA_KEY] === idempotencyKey);
      if (match) return toProviderJob(match);
      if (!list.has_more || list.data.length === 0) return null;
      after = list.data[list.data.length - 1]!.id;
    }
    return null;
  }

  async getJob(providerJobId: string): Promise<ProviderJob> {
    return toProviderJob(await this.#call(this.#api, OpenAiFineTuningJob, { method: 'GET', path: `/fine_tuning/jobs/${encodeURIComponent(providerJobId)}` }, providerJobId));
  }

  async listEvents(providerJobId: string, options: { readonly after?: string; readonly limit?: number } = {}): Promise<readonly ProviderEvent[]> {
    // OpenAI lists events newest first and pages towards older ones: read until the last event we
    // already have, then hand back the new ones oldest first.
    const fresh: ProviderEvent[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 50; page++) {
      const list = await this.#call(
        this.#api,
        openAiList(OpenAiJobEvent),
        { method: 'GET', path: `/fine_tuning/jobs/${encodeURIComponent(providerJobId)}/events`, query: { limit: 100, after: cursor } },
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
    const list = await this.#call(
      this.#api,
      openAiList(OpenAiCheckpoint),
      { method: 'GET', path: `/fine_tuning/jobs/${encodeURIComponent(providerJobId)}/checkpoints`, query: { limit: 100 } },
      providerJobId,
    );
    return list.data.map((c) => ({
      id: c.id,
      createdAt: fromUnix(c.created_at),
      fineTunedModelCheckpoint: c.fine_tuned_model_checkpoint,
      stepNumber: c.step_number,
      metrics: c.metrics,
    }));
  }

  async cancelJob(providerJobId: string): Promise<ProviderJob> {
    return toProviderJob(
      await this.#call(this.#api, OpenAiFineTuningJob, { method: 'POST', path: `/fine_tuning/jobs/${encodeURIComponent(providerJobId)}/cancel` }, providerJobId),
    );
  }

  /** One request: adds Azure's api-version, parses the answer, and maps failures to our errors. */
  async #call<S extends z.ZodType>(client: HttpClient, schema: S, req: HttpRequest, resourceId?: string): Promise<z.infer<S>> {
    const query = this.#config.apiVersion ? { ...req.query, 'api-version': this.#config.apiVersion } : req.query;
    try {
      const res = await client.request({ ...req, query });
      const parsed = schema.safeParse(res.body);
      if (!parsed.success) throw new ProviderRequestError(this.name, res.status, 'answered with a body that does not match its API reference');
      return parsed.data;
    } catch (error) {
      if (!(error instanceof HttpStatusError)) throw error;
      const detail = OpenAiErrorBody.safeParse(error.body);
      const message = (detail.success ? detail.data.error.message : `HTTP ${error.status}`).replace(SECRET_LIKE, '[redacted]');
      if (error.status === 429) throw new RateLimitedError(`${this.name} is rate limiting requests: ${message}`, Math.ceil((error.retryAfterMs ?? 1_000) / 1000));
      if (error.status === 404 && resourceId) throw new NotFoundError(`${this.name} fine-tuning job`, resourceId);
      const code = detail.success ? detail.data.error.code : null;
      throw new ProviderRequestError(this.name, error.status, message, code === null || code === undefined ? null : String(code), detail.success ? (detail.data.error.param ?? null) : null);
    }
  }
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
