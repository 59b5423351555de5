import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { FaultScript, faultReply, listenStub, matchRoute, type ListeningStub, type RecordedRequest, type StubReply, type StubRoute } from './http-stub.js';

/** OpenAI's fine-tuning job statuses. */
export type OpenAiStubStatus = 'validating_files' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface OpenAiStubOptions {
  /** `openai`: bearer key under `/v1`; `azure`: `api-key` header and required `api-version` under `/openai`, chat on deployments. */
  readonly flavour?: 'openai' | 'azure';
  readonly apiKey?: string;
  /** Statuses a job walks through, one per `GET /fine_tuning/jobs/{id}`. */
  readonly progression?: readonly OpenAiStubStatus[];
  /** The assistant's answer to a chat completion (default: `ok`). */
  readonly chatReply?: (body: { readonly model: string; readonly messages: readonly { role: string; content: unknown }[] }) => string;
}

/** One job the stub holds. */
export interface OpenAiStubJob {
  readonly id: string;
  readonly request: Readonly<Record<string, unknown>>;
  readonly idempotencyKey: string | null;
  status: OpenAiStubStatus;
  step: number;
  failWith: string | null;
  readonly createdAt: number;
  finishedAt: number | null;
}

const ROUTES: readonly StubRoute[] = [
  { method: 'POST', pattern: '/files', operation: 'upload' },
  { method: 'POST', pattern: '/fine_tuning/jobs', operation: 'create' },
  { method: 'GET', pattern: '/fine_tuning/jobs', operation: 'list' },
  { method: 'GET', pattern: '/fine_tuning/jobs/{id}', operation: 'get' },
  { method: 'GET', pattern: '/fine_tuning/jobs/{id}/events', operation: 'events' },
  { method: 'GET', pattern: '/fine_tuning/jobs/{id}/checkpoints', operation: 'checkpoints' },
  { method: 'POST', pattern: '/fine_tuning/jobs/{id}/cancel', operation: 'cancel' },
  { method: 'POST', pattern: '/chat/completions', operation: 'chat' },
  { method: 'POST', pattern: '/deployments/{deployment}/chat/completions', operation: 'chat' },
  { method: 'POST', pattern: '/embeddings', operation: 'embeddings' },
];

const DEFAULT_PROGRESSION: readonly OpenAiStubStatus[] = ['validating_files', 'queued', 'running', 'succeeded'];
const unix = () => Math.floor(Date.now() / 1000);
const error = (status: number, message: string, code: string | null = null, param: string | null = null) => ({
  error: { message, type: status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error', param, code },
});

/**
 * A local OpenAI (or Azure OpenAI) fine-tuning and inference API answering the object shapes of
 * OpenAI's API reference (file, fine_tuning.job, its events and checkpoints, chat.completion,
 * embeddings, error bodies). It does not deduplicate creates by Idempotency-Key, so what keeps one
 * job per FTM job is FTM's own lookup. `listen().baseUrl` is what FTM_OPENAI_BASE_URL (`…/v1`) or
 * FTM_AZURE_OPENAI_ENDPOINT (the origin) takes.
 */
export class OpenAiStub {
  readonly flavour: 'openai' | 'azure';
  readonly apiKey: string;
  readonly faults = new FaultScript();
  readonly jobs = new Map<string, OpenAiStubJob>();
  readonly files = new Map<string, { filename: string; bytes: number; content: string }>();
  readonly #progression: readonly OpenAiStubStatus[];
  readonly #chatReply: NonNullable<OpenAiStubOptions['chatReply']>;
  #failNext: string | null = null;
  #listening: ListeningStub | null = null;

  constructor(options: OpenAiStubOptions = {}) {
    this.flavour = options.flavour ?? 'openai';
    this.apiKey = options.apiKey ?? (this.flavour === 'azure' ? 'azure-test-key' : 'sk-test-stub-key');
    this.#progression = options.progression ?? DEFAULT_PROGRESSION;
    this.#chatReply = options.chatReply ?? (() => 'ok');
  }

  /** The next job created fails at its first poll with this message. */
  failNextJob(message: string): void {
    this.#failNext = message;
  }

  async listen(): Promise<ListeningStub> {
    const listening = await listenStub(
      this.flavour === 'azure' ? '/openai' : '/v1',
      (req) => this.#handle(req),
      (method, path) => matchRoute(ROUTES, method, path)?.route.operation ?? null,
    );
    this.#listening = this.flavour === 'azure' ? { ...listening, baseUrl: listening.origin } : listening;
    return this.#listening;
  }

  get requests(): readonly RecordedRequest[] {
    return this.#listening?.requests ?? [];
  }

  async close(): Promise<void> {
    await this.#listening?.close();
  }

  #handle(req: RecordedRequest & { apiPath: string }): StubReply {
    const authorized = this.flavour === 'azure' ? req.headers['api-key'] === this.apiKey : req.headers.authorization === `Bearer ${this.apiKey}`;
    if (!authorized)
      return { status: 401, body: error(401, 'Incorrect API key provided: sk-te****************. You can find your API key at https://platform.openai.com/account/api-keys.', 'invalid_api_key') };
    if (this.flavour === 'azure' && !req.query['api-version']) return { status: 400, body: error(400, 'Missing required query parameter: api-version', 'missing_api_version') };
    const match = matchRoute(ROUTES, req.method, req.apiPath);
    if (!match) return { status: 404, body: error(404, `Invalid URL (${req.method} ${req.path})`) };
    if (match.route.operation === 'chat' && this.flavour === 'azure' && !match.params.deployment) return { status: 404, body: error(404, 'Azure OpenAI runs models on deployments') };
    const fault = this.faults.take(match.route.operation);
    if (fault && !fault.afterEffect) return faultReply(fault, (s) => error(s, s === 429 ? 'Rate limit reached' : 'The server had an error while processing your request.'));
    const reply = this.#operate(match.route.operation, match.params, req);
    return fault ? faultReply(fault, (s) => error(s, 'The server had an error while processing your request.')) : reply;
  }

  #operate(operation: string, params: Record<string, string>, req: RecordedRequest): StubReply {
    const body = (req.body ?? {}) as Record<string, unknown>;
    switch (operation) {
      case 'upload': {
        const file = body.file as { filename: string; content: string } | undefined;
        if (!file || body.purpose !== 'fine-tune') return { status: 400, body: error(400, 'file and purpose=fine-tune are required', null, 'purpose') };
        const id = `file-${randomBytes(12).toString('hex')}`;
        const bytes = Buffer.byteLength(file.content);
        this.files.set(id, { filename: file.filename, bytes, content: file.content });
        return { status: 200, body: { id, object: 'file', bytes, created_at: unix(), filename: file.filename, purpose: 'fine-tune', status: 'processed' } };
      }
      case 'create': {
        if (!this.files.has(String(body.training_file))) return { status: 400, body: error(400, `invalid training_file: ${String(body.training_file)}`, 'invalid_training_file', 'training_file') };
        const id = `ftjob-${randomBytes(12).toString('hex')}`;
        const job: OpenAiStubJob = {
          id,
          request: body,
          idempotencyKey: req.headers['idempotency-key'] ?? null,
          status: this.#progression[0]!,
          step: 0,
          failWith: this.#failNext,
          createdAt: unix(),
          finishedAt: null,
        };
        this.#failNext = null;
        this.jobs.set(id, job);
        return { status: 200, body: this.#wire(job) };
      }
      case 'list': {
        const filters = Object.entries(req.query)
          .filter(([k]) => k.startsWith('metadata['))
          .map(([k, v]) => [k.slice(9, -1), v] as const);
        let jobs = [...this.jobs.values()].reverse().filter((j) => filters.every(([k, v]) => (j.request.metadata as Record<string, string> | undefined)?.[k] === v));
        if (req.query.after) jobs = jobs.slice(jobs.findIndex((j) => j.id === req.query.after) + 1);
        const limit = Number(req.query.limit ?? 20);
        return { status: 200, body: { object: 'list', data: jobs.slice(0, limit).map((j) => this.#wire(j)), has_more: jobs.length > limit } };
      }
      case 'chat': {
        const messages = (body.messages ?? []) as { role: string; content: unknown }[];
        const model = params.deployment ?? String(body.model);
        const content = this.#chatReply({ model, messages });
        const prompt = Math.ceil(JSON.stringify(messages).length / 4);
        const completion = Math.ceil(content.length / 4);
        return {
          status: 200,
          body: {
            id: `chatcmpl-${randomUUID()}`,
            object: 'chat.completion',
            created: unix(),
            model,
            choices: [{ index: 0, finish_reason: 'stop', logprobs: null, message: { role: 'assistant', content, refusal: null } }],
            usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
          },
        };
      }
      case 'embeddings': {
        const inputs = Array.isArray(body.input) ? body.input : [body.input];
        const data = inputs.map((text, index) => ({ object: 'embedding', index, embedding: embed(String(text), typeof body.dimensions === 'number' ? body.dimensions : 8) }));
        return { status: 200, body: { object: 'list', data, model: body.model, usage: { prompt_tokens: inputs.length, total_tokens: inputs.length } } };
      }
    }
    const job = this.jobs.get(params.id ?? '');
    if (!job) return { status: 404, body: error(404, `No such fine-tuning job: ${params.id ?? ''}`, 'fine_tune_not_found', 'fine_tune_id') };
    switch (operation) {
      case 'get':
        this.#advance(job);
        return { status: 200, body: this.#wire(job) };
      case 'events': {
        let events = this.#events(job);
        if (req.query.after) events = events.slice(events.findIndex((e) => e.id === req.query.after) + 1);
        const limit = Number(req.query.limit ?? 20);
        return { status: 200, body: { object: 'list', data: events.slice(0, limit), has_more: events.length > limit } };
      }
      case 'checkpoints':
        return {
          status: 200,
          body: {
            object: 'list',
            data:
              job.status === 'succeeded'
                ? [
                    {
                      object: 'fine_tuning.job.checkpoint',
                      id: `ftckpt_${job.id.slice(6, 18)}`,
                      created_at: job.finishedAt,
                      fine_tuned_model_checkpoint: `${this.#modelName(job)}:ckpt-step-10`,
                      fine_tuning_job_id: job.id,
                      metrics: { step: 10, train_loss: 0.42 },
                      step_number: 10,
                    },
                  ]
                : [],
            has_more: false,
          },
        };
      case 'cancel':
        if (['succeeded', 'failed', 'cancelled'].includes(job.status)) return { status: 400, body: error(400, `Job ${job.id} has already completed.`, 'invalid_request_error') };
        job.status = 'cancelled';
        job.finishedAt = unix();
        return { status: 200, body: this.#wire(job) };
    }
    return { status: 404, body: error(404, `no stub for ${operation}`) };
  }

  #advance(job: OpenAiStubJob): void {
    if (['succeeded', 'failed', 'cancelled'].includes(job.status)) return;
    if (job.failWith) job.status = 'failed';
    else job.status = this.#progression[Math.min(++job.step, this.#progression.length - 1)]!;
    if (['succeeded', 'failed', 'cancelled'].includes(job.status)) job.finishedAt = unix();
  }

  #modelName(job: OpenAiStubJob): string {
    const suffix = typeof job.request.suffix === 'string' ? job.request.suffix : '';
    return this.flavour === 'azure' ? `${String(job.request.model)}.ft-${job.id.slice(6, 18)}` : `ft:${String(job.request.model)}:stub-org:${suffix}:${job.id.slice(6, 14)}`;
  }

  /** Newest first, as OpenAI lists them. */
  #events(job: OpenAiStubJob): Record<string, unknown>[] {
    const walked = [...this.#progression.slice(0, job.step + 1)];
    if (!walked.includes(job.status)) walked.push(job.status);
    return walked
      .map((status, i) => ({
        object: 'fine_tuning.job.event',
        id: `ftevent-${job.id.slice(6, 18)}-${i}`,
        created_at: job.createdAt + i,
        level: status === 'failed' ? 'error' : 'info',
        message: status === 'failed' ? (job.failWith ?? 'failed') : `Job entered ${status}`,
        data: {},
        type: 'message',
      }))
      .reverse();
  }

  #wire(job: OpenAiStubJob): Record<string, unknown> {
    const r = job.request;
    const method = (r.method as { type: string } | undefined) ?? { type: 'supervised', supervised: { hyperparameters: {} } };
    return {
      object: 'fine_tuning.job',
      id: job.id,
      model: r.model,
      created_at: job.createdAt,
      finished_at: job.finishedAt,
      fine_tuned_model: job.status === 'succeeded' ? this.#modelName(job) : null,
      organization_id: 'org-stub',
      result_files: [],
      status: job.status,
      validation_file: r.validation_file ?? null,
      training_file: r.training_file,
      hyperparameters: { n_epochs: 'auto', batch_size: 'auto', learning_rate_multiplier: 'auto' },
      trained_tokens: job.status === 'succeeded' ? 1234 : null,
      error: job.status === 'failed' ? { code: 'invalid_training_file', message: job.failWith ?? 'failed', param: 'training_file' } : null,
      integrations: [],
      seed: typeof r.seed === 'number' ? r.seed : 42,
      estimated_finish: null,
      method,
      metadata: r.metadata ?? null,
    };
  }
}

function embed(text: string, dims: number): number[] {
  const out = new Array<number>(dims).fill(0);
  for (let i = 0; i < text.length; i++) out[i % dims]! += text.charCodeAt(i) / 1000;
  const norm = Math.hypot(...out) || 1;
  return out.map((v) => v / norm);
}

/** An OpenAI webhook event body (`fine_tuning.job.succeeded|failed|cancelled`) for a job. */
export function openAiWebhookEvent(type: 'fine_tuning.job.succeeded' | 'fine_tuning.job.failed' | 'fine_tuning.job.cancelled', jobId: string): string {
  return JSON.stringify({ id: `evt_${randomBytes(12).toString('hex')}`, object: 'event', created_at: unix(), type, data: { id: jobId } });
}

/**
 * The headers OpenAI sends with a webhook (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body" under the whsec_ secret's bytes>`).
 */
export function signOpenAiWebhook(secret: string, body: string, options: { readonly id?: string; readonly timestampSec?: number } = {}): Record<string, string> {
  const id = options.id ?? `wh_${randomBytes(12).toString('hex')}`;
  const timestamp = String(options.timestampSec ?? unix());
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}
