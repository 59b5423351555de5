import type { z } from 'zod';
import { HttpClient, HttpStatusError, type HttpRequest, type RetryPolicy } from '../../shared/http-client.js';
import { NotFoundError, RateLimitedError } from '../../shared/errors.js';
import type {
  CreateProviderJobInput,
  FineTuneMethod,
  FineTuneProvider,
  ProviderCapabilities,
  ProviderCheckpoint,
  ProviderEvent,
  ProviderJob,
  ProviderJobLookupHint,
  ProviderJobStatus,
  ProviderPriceEstimate,
  TrainingFileSource,
} from '../../providers/fine-tune-provider.js';
import { ProviderRequestError } from '../../providers/provider-errors.js';
import { defineCapabilities } from '../../providers/provider-capabilities.js';
import { TOGETHER_CAPABILITIES } from '../../providers/catalog/together-catalog.js';
import { multipartStream } from '../openai/multipart-stream.js';
import {
  TogetherCheckpointList,
  TogetherErrorBody,
  TogetherEventList,
  TogetherFile,
  TogetherFineTune,
  TogetherJobList,
  TogetherPriceEstimate,
  type TogetherEvent,
  type TogetherJobStatus,
} from './together-wire.js';

/** Together's API root. */
export const TOGETHER_DEFAULT_BASE_URL = 'https://api.together.ai/v1';

/** Configuration of Together's fine-tuning API for one credential. */
export interface TogetherProviderConfig {
  readonly apiKey: string;
  /** {@link TOGETHER_DEFAULT_BASE_URL} by default (FTM_TOGETHER_BASE_URL). */
  readonly baseUrl?: string;
  readonly timeoutMs?: number;
  readonly uploadTimeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** What Together offers; no credential needed. */
export function togetherCapabilities(): ProviderCapabilities {
  return defineCapabilities(TOGETHER_CAPABILITIES);
}

/** Together's status → FTM's provider status; the raw word is kept as `providerStatus`. */
const STATUS: Readonly<Record<TogetherJobStatus, ProviderJobStatus>> = {
  pending: 'queued',
  queued: 'queued',
  running: 'running',
  // Training is over but the model is not served yet: still running from FTM's point of view.
  compressing: 'running',
  uploading: 'running',
  cancel_requested: 'running',
  cancelled: 'cancelled',
  error: 'failed',
  completed: 'succeeded',
};

const SECRET_LIKE = /\b([A-Fa-f0-9]{32,}|tgp_v1_[A-Za-z0-9_-]{8,})\b/g;

/**
 * Together AI's fine-tuning API (`/files/upload`, `/fine-tunes`) behind the provider port.
 *
 * Together's create has no idempotency key and jobs carry no metadata, so the job of an FTM job is
 * found by its training file: FTM uploads one training file per FTM job and records the file id
 * before it creates the job, so the Together job whose `training_file` is that id is ours
 * ({@link findJobByIdempotencyKey} with the `trainingFileId` hint). The create is sent once per
 * call (never retried blind); the caller looks the job up before trying again.
 */
export class TogetherFineTuneProvider implements FineTuneProvider {
  readonly name = 'together';
  readonly simulated = false;
  readonly #api: HttpClient;
  readonly #create: HttpClient;
  readonly #uploads: HttpClient;
  readonly #capabilities = togetherCapabilities();

  constructor(config: TogetherProviderConfig) {
    const common = {
      name: this.name,
      baseUrl: config.baseUrl ?? TOGETHER_DEFAULT_BASE_URL,
      headers: { authorization: `Bearer ${config.apiKey}` },
      ...(config.fetch ? { fetch: config.fetch } : {}),
      ...(config.sleep ? { sleep: config.sleep } : {}),
    };
    const retry = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 8_000, ...config.retry };
    this.#api = new HttpClient({ ...common, timeoutMs: config.timeoutMs ?? 30_000, retry });
    this.#create = new HttpClient({ ...common, timeoutMs: config.timeoutMs ?? 30_000, retry: { ...retry, maxAttempts: 1 } });
    this.#uploads = new HttpClient({ ...common, timeoutMs: config.uploadTimeoutMs ?? 600_000, retry: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 10_000, ...config.retry } });
  }

  capabilities(): ProviderCapabilities {
    return this.#capabilities;
  }

  async uploadTrainingFile(source: TrainingFileSource, options: { readonly filename: string }): Promise<{ id: string; bytes: number }> {
    const file = await this.#call(this.#uploads, TogetherFile, {
      method: 'POST',
      path: '/files/upload',
      rawBody: () =>
        multipartStream([
          { name: 'purpose', value: 'fine-tune' },
          { name: 'file_name', value: options.filename },
          { name: 'file_type', value: 'jsonl' },
          { name: 'file', filename: options.filename, contentType: 'application/jsonl', open: () => source.open() },
        ]),
    });
    return { id: file.id, bytes: file.bytes ?? source.sizeBytes ?? 0 };
  }

  async createJob(input: CreateProviderJobInput): Promise<ProviderJob> {
    const body: Record<string, unknown> = { model: input.model, training_file: input.trainingFileId, ...wireSettings(input.method) };
    if (input.validationFileId) body.validation_file = input.validationFileId;
    if (input.suffix) body.suffix = input.suffix;
    if (input.seed !== undefined && input.seed !== null) body.random_seed = input.seed;
    return toProviderJob(await this.#call(this.#create, TogetherFineTune, { method: 'POST', path: '/fine-tunes', body }));
  }

  /** The job created from this FTM job's training file; null before the file exists (no job can). */
  async findJobByIdempotencyKey(_idempotencyKey: string, hint: ProviderJobLookupHint = {}): Promise<ProviderJob | null> {
    if (!hint.trainingFileId) return null;
    const list = await this.#call(this.#api, TogetherJobList, { method: 'GET', path: '/fine-tunes' });
    const ours = list.data.filter((job) => job.training_file === hint.trainingFileId);
    ours.sort((a, b) => (a.created_at ?? '').localeCompare(b.created_at ?? ''));
    return ours[0] ? toProviderJob(ours[0]) : null;
  }

  async getJob(providerJobId: string): Promise<ProviderJob> {
    return toProviderJob(await this.#call(this.#api, TogetherFineTune, { method: 'GET', path: `/fine-tunes/${encodeURIComponent(providerJobId)}` }, providerJobId));
  }

  /** Together answers a job's whole timeline oldest first without ids: an event's id is its position. */
  async listEvents(providerJobId: string, options: { readonly after?: string; readonly limit?: number } = {}): Promise<readonly ProviderEvent[]> {
    const list = await this.#call(this.#api, TogetherEventList, { method: 'GET', path: `/fine-tunes/${encodeURIComponent(providerJobId)}/events` }, providerJobId);
    const events = list.data.map((e, i) => toProviderEvent(e, i));
    const start = options.after === undefined ? 0 : events.findIndex((e) => e.id === options.after) + 1;
    return events.slice(start, options.limit === undefined ? undefined : start + options.limit);
  }

  async listCheckpoints(providerJobId: string): Promise<readonly ProviderCheckpoint[]> {
    const list = await this.#call(this.#api, TogetherCheckpointList, { method: 'GET', path: `/fine-tunes/${encodeURIComponent(providerJobId)}/checkpoints` }, providerJobId);
    // `{job}:{step}` is how Together's `from_checkpoint` names a checkpoint.
    return list.data.map((c) => ({ id: `${providerJobId}:${c.step}`, createdAt: new Date(c.created_at), fineTunedModelCheckpoint: `${providerJobId}:${c.step}`, stepNumber: c.step, metrics: {} }));
  }

  async cancelJob(providerJobId: string): Promise<ProviderJob> {
    return toProviderJob(await this.#call(this.#api, TogetherFineTune, { method: 'POST', path: `/fine-tunes/${encodeURIComponent(providerJobId)}/cancel` }, providerJobId));
  }

  /** `POST /fine-tunes/estimate-price`; null where the endpoint does not answer (404/405). */
  async estimatePrice(input: Omit<CreateProviderJobInput, 'idempotencyKey' | 'metadata'>): Promise<ProviderPriceEstimate | null> {
    const { training_method, training_type, n_epochs, n_evals } = wireSettings(input.method);
    const body: Record<string, unknown> = { model: input.model, training_file: input.trainingFileId, training_method };
    if (training_type) body.training_type = training_type;
    if (n_epochs !== undefined) body.n_epochs = n_epochs;
    if (n_evals !== undefined) body.n_evals = n_evals;
    if (input.validationFileId) body.validation_file = input.validationFileId;
    try {
      const e = await this.#call(this.#api, TogetherPriceEstimate, { method: 'POST', path: '/fine-tunes/estimate-price', body });
      return {
        totalUsd: e.estimated_total_price,
        trainTokens: e.estimated_train_token_count ?? null,
        evalTokens: e.estimated_eval_token_count ?? null,
        allowedToProceed: e.allowed_to_proceed ?? true,
      };
    } catch (error) {
      if (error instanceof ProviderRequestError && (error.status === 404 || error.status === 405)) return null;
      throw error;
    }
  }

  /** One request: parses the answer and maps failures to our errors (never echoing a key). */
  async #call<S extends z.ZodType>(client: HttpClient, schema: S, req: HttpRequest, resourceId?: string): Promise<z.infer<S>> {
    try {
      const res = await client.request(req);
      const parsed = schema.safeParse(res.body);
      if (!parsed.success) throw new ProviderRequestError(this.name, res.status, 'answered with a body that does not match its API reference');
      return parsed.data;
    } catch (error) {
      if (!(error instanceof HttpStatusError)) throw error;
      const detail = TogetherErrorBody.safeParse(error.body);
      const message = (detail.success ? detail.data.error.message : `HTTP ${error.status}`).replace(SECRET_LIKE, '[redacted]');
      if (error.status === 429) throw new RateLimitedError(`${this.name} is rate limiting requests: ${message}`, Math.ceil((error.retryAfterMs ?? 1_000) / 1000));
      if (error.status === 404 && resourceId) throw new NotFoundError(`${this.name} fine-tuning job`, resourceId);
      const code = detail.success ? detail.data.error.code : null;
      throw new ProviderRequestError(this.name, error.status, message, code === null || code === undefined ? null : String(code), detail.success ? (detail.data.error.param ?? null) : null);
    }
  }
}

/**
 * Our method → Together's top-level settings. SFT trains on the assistant turns / completions only
 * (`train_on_inputs: false`, a boolean as the document's schema requires); `beta` is `dpo_beta`;
 * `training_type` is sent only when asked: Together trains LoRA by default, and its LoRA object
 * needs a rank (`lora_alpha` defaults to twice `lora_r`, the usual choice).
 */
function wireSettings(method: FineTuneMethod): Record<string, unknown> {
  const h = method.hyperparameters as Readonly<Record<string, unknown>>;
  const out: Record<string, unknown> = {};
  if (method.type === 'dpo') {
    const beta = (method.hyperparameters as { beta?: number | 'auto' }).beta;
    out.training_method = { method: 'dpo', ...(typeof beta === 'number' ? { dpo_beta: beta } : {}) };
  } else {
    out.training_method = { method: 'sft', train_on_inputs: false };
  }
  if (h.training_type === 'full') out.training_type = { type: 'Full' };
  else if (typeof h.lora_r === 'number') {
    out.training_type = {
      type: 'Lora',
      lora_r: h.lora_r,
      lora_alpha: typeof h.lora_alpha === 'number' ? h.lora_alpha : h.lora_r * 2,
      ...(typeof h.lora_dropout === 'number' ? { lora_dropout: h.lora_dropout } : {}),
    };
  } else if (typeof h.lora_alpha === 'number') {
    throw new ProviderRequestError('together', 400, "lora_alpha needs lora_r: Together's LoRA settings take both", 'invalid_hyperparameters', 'method.hyperparameters.lora_r');
  }
  for (const key of ['n_epochs', 'batch_size', 'learning_rate', 'warmup_ratio', 'n_checkpoints', 'n_evals'] as const) {
    const value = h[key];
    // `auto` is Together's default: leave it out (its `batch_size` default is `max`).
    if (typeof value === 'number') out[key] = value;
  }
  return out;
}

const LEVELS: Readonly<Record<string, ProviderEvent['level']>> = { warning: 'warn', legacy_iwarning: 'warn', error: 'error', legacy_ierror: 'error' };

function toProviderEvent(e: TogetherEvent, index: number): ProviderEvent {
  const data: Record<string, unknown> = {};
  if (e.type) data.together_type = e.type;
  if (typeof e.step === 'number') data.step = e.step;
  if (typeof e.token_count === 'number') data.token_count = e.token_count;
  return {
    id: `ev-${index}`,
    createdAt: new Date(e.created_at),
    level: (e.level && LEVELS[e.level]) || (e.type === 'job_error' ? 'error' : 'info'),
    message: e.message ?? e.type ?? '',
    type: 'message',
    data: Object.keys(data).length > 0 ? data : null,
  };
}

function toProviderJob(job: TogetherFineTune): ProviderJob {
  const status = STATUS[job.status];
  const hyperparameters = Object.fromEntries(
    (['n_epochs', 'batch_size', 'learning_rate', 'warmup_ratio', 'n_checkpoints', 'n_evals'] as const).filter((k) => job[k] !== undefined && job[k] !== null).map((k) => [k, job[k]]),
  );
  if (job.training_type?.type) hyperparameters.training_type = job.training_type.type.toLowerCase() === 'full' ? 'full' : 'lora';
  if (typeof job.training_method?.dpo_beta === 'number') hyperparameters.beta = job.training_method.dpo_beta;
  const lastError = [...(job.events ?? [])].reverse().find((e) => e.type === 'job_error' || e.level === 'error');
  const terminal = status === 'succeeded' || status === 'failed' || status === 'cancelled';
  return {
    id: job.id,
    status,
    ...(job.status !== status ? { providerStatus: job.status } : {}),
    model: job.model ?? '',
    // The output name exists from creation but serves only once the job completed.
    fineTunedModel: status === 'succeeded' ? (job.model_output_name ?? null) : null,
    trainedTokens: status === 'succeeded' ? (job.token_count ?? null) : null,
    error: status === 'failed' ? { code: null, message: lastError?.message || 'Together reported the job failed', param: null } : null,
    createdAt: job.created_at ? new Date(job.created_at) : new Date(0),
    finishedAt: terminal && job.updated_at ? new Date(job.updated_at) : null,
    estimatedFinish: null,
    trainingFile: job.training_file ?? '',
    validationFile: job.validation_file ?? null,
    method: job.training_method?.method === 'dpo' ? 'dpo' : 'supervised',
    hyperparameters,
    metadata: {},
    resultFiles: [],
    seed: job.random_seed ?? null,
  };
}
