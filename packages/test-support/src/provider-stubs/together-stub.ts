import { randomUUID } from 'node:crypto';
import { FaultScript, faultReply, listenStub, matchRoute, type ListeningStub, type RecordedRequest, type StubReply } from './http-stub.js';
import { createTogetherRequestValidator, type TogetherRequestValidator } from './together-openapi-validator.js';

/** Together's job statuses (FinetuneJobStatus of its API document). */
export type TogetherStubStatus = 'pending' | 'queued' | 'running' | 'compressing' | 'uploading' | 'cancel_requested' | 'cancelled' | 'error' | 'completed';

export interface TogetherStubOptions {
  /** The bearer key it accepts; anything else is a 401. */
  readonly apiKey?: string;
  /** Statuses a job walks through, one per `GET /fine-tunes/{id}`; the last is where it stays. */
  readonly progression?: readonly TogetherStubStatus[];
  /** The assistant's answer to a chat completion (default: `ok`). */
  readonly chatReply?: (body: { readonly model: string; readonly messages: readonly { role: string; content: unknown }[] }) => string;
}

/** One job the stub holds. */
export interface TogetherStubJob {
  readonly id: string;
  readonly request: Readonly<Record<string, unknown>>;
  status: TogetherStubStatus;
  step: number;
  failWith: string | null;
  readonly createdAt: string;
  updatedAt: string;
  readonly outputName: string;
}

const DEFAULT_PROGRESSION: readonly TogetherStubStatus[] = ['pending', 'running', 'compressing', 'completed'];
const EVENT_TYPE: Partial<Record<TogetherStubStatus, string>> = {
  pending: 'job_pending',
  running: 'training_start',
  compressing: 'model_compressing',
  uploading: 'model_uploading',
  completed: 'job_complete',
  error: 'job_error',
  cancel_requested: 'cancel_requested',
  cancelled: 'job_stopped',
};

const error = (status: number, message: string, type = status === 401 ? 'invalid_request_error' : 'server_error') => ({
  error: { message, type, param: null, code: status === 401 ? 'invalid_api_key' : null },
});

/**
 * A local Together AI (`/v1/files/upload`, `/v1/fine-tunes…`, `/v1/chat/completions`) answering the
 * shapes of Together's published OpenAPI document, and checking every request it receives against
 * that document (`violations` lists what did not conform; such a request is answered 400).
 * Scripted faults (`faults.push('create', { status: 500, afterEffect: true })`) give 401/429/5xx and
 * the 500-after-create. `listen()` answers the base URL to put in FTM_TOGETHER_BASE_URL.
 */
export class TogetherStub {
  readonly apiKey: string;
  readonly faults = new FaultScript();
  readonly jobs = new Map<string, TogetherStubJob>();
  readonly files = new Map<string, { filename: string; bytes: number; content: string }>();
  readonly violations: string[] = [];
  readonly #progression: readonly TogetherStubStatus[];
  readonly #chatReply: NonNullable<TogetherStubOptions['chatReply']>;
  readonly #validator: TogetherRequestValidator = createTogetherRequestValidator();
  /** What the price estimate says of the account's credit (`allowed_to_proceed`). */
  allowedToProceed = true;
  #failNext: string | null = null;
  #listening: ListeningStub | null = null;

  constructor(options: TogetherStubOptions = {}) {
    this.apiKey = options.apiKey ?? 'together-test-key';
    this.#progression = options.progression ?? DEFAULT_PROGRESSION;
    this.#chatReply = options.chatReply ?? (() => 'ok');
  }

  /** The next job created fails at its first poll with this message (Together's `error` status). */
  failNextJob(message: string): void {
    this.#failNext = message;
  }

  /** Starts it on 127.0.0.1 at an ephemeral port; `baseUrl` ends in `/v1`. */
  async listen(): Promise<ListeningStub> {
    const routes = this.#validator.routes;
    this.#listening = await listenStub(
      '/v1',
      (req) => this.#handle(req),
      (method, path) => matchRoute(routes, method, path)?.route.operation ?? null,
    );
    return this.#listening;
  }

  get requests(): readonly RecordedRequest[] {
    return this.#listening?.requests ?? [];
  }

  async close(): Promise<void> {
    await this.#listening?.close();
  }

  #handle(req: RecordedRequest & { apiPath: string }): StubReply {
    if (req.headers.authorization !== `Bearer ${this.apiKey}`) return { status: 401, body: error(401, 'Invalid API key provided') };
    const problems = this.#validator.validate(req.method, req.apiPath, req.headers['content-type'], req.body);
    if (problems.length > 0) {
      this.violations.push(...problems);
      return { status: 400, body: error(400, problems.join('; '), 'invalid_request_error') };
    }
    const match = matchRoute(this.#validator.routes, req.method, req.apiPath)!;
    const fault = this.faults.take(operationName(match.route.operation));
    if (fault && !fault.afterEffect) return faultReply(fault, (s) => error(s, s === 429 ? 'rate limit exceeded' : 'internal error'));
    const reply = this.#operate(match.route.operation, match.params, req.body as Record<string, unknown>);
    return fault ? faultReply(fault, (s) => error(s, 'internal error')) : reply;
  }

  #operate(operation: string, params: Record<string, string>, body: Record<string, unknown>): StubReply {
    const now = new Date().toISOString();
    switch (operation) {
      case 'POST /files/upload': {
        const file = body.file as { filename: string; content: string };
        const id = `file-${randomUUID()}`;
        const bytes = Buffer.byteLength(file.content);
        this.files.set(id, { filename: String(body.file_name), bytes, content: file.content });
        return { status: 200, body: { id, object: 'file', created_at: Math.floor(Date.now() / 1000), filename: body.file_name, bytes, purpose: body.purpose, Processed: true, FileType: 'jsonl' } };
      }
      case 'POST /fine-tunes': {
        if (!this.files.has(String(body.training_file))) return { status: 400, body: error(400, `training file ${String(body.training_file)} not found`, 'invalid_request_error') };
        const id = `ft-${randomUUID()}`;
        const suffix = typeof body.suffix === 'string' ? body.suffix : 'ftm';
        const job: TogetherStubJob = {
          id,
          request: body,
          status: this.#progression[0]!,
          step: 0,
          failWith: this.#failNext,
          createdAt: now,
          updatedAt: now,
          outputName: `stub-user/${String(body.model).split('/').pop()}-${suffix}-${id.slice(3, 11)}`,
        };
        this.#failNext = null;
        this.jobs.set(id, job);
        return { status: 200, body: this.#wire(job, false) };
      }
      case 'GET /fine-tunes':
        return { status: 200, body: { data: [...this.jobs.values()].map((j) => this.#wire(j, false)) } };
      case 'POST /fine-tunes/estimate-price': {
        const file = this.files.get(String(body.training_file));
        if (!file) return { status: 400, body: error(400, 'training file not found', 'invalid_request_error') };
        const tokens = Math.ceil(file.bytes / 4) * (typeof body.n_epochs === 'number' ? body.n_epochs : 1);
        return {
          status: 200,
          body: {
            estimated_total_price: Number(((tokens / 1e6) * 0.48).toFixed(6)),
            allowed_to_proceed: this.allowedToProceed,
            user_limit: 100,
            estimated_train_token_count: tokens,
            estimated_eval_token_count: 0,
          },
        };
      }
      case 'POST /chat/completions': {
        const messages = (body.messages ?? []) as { role: string; content: unknown }[];
        const content = this.#chatReply({ model: String(body.model), messages });
        const promptTokens = Math.ceil(JSON.stringify(messages).length / 4);
        return {
          status: 200,
          body: {
            id: `chat-${randomUUID()}`,
            object: 'chat.completion',
            created: Math.floor(Date.now() / 1000),
            model: body.model,
            prompt: [],
            choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }],
            usage: { prompt_tokens: promptTokens, completion_tokens: Math.ceil(content.length / 4), total_tokens: promptTokens + Math.ceil(content.length / 4) },
          },
        };
      }
    }
    const job = this.jobs.get(params.id ?? '');
    if (!job) return { status: 404, body: error(404, `fine-tune job ${params.id ?? ''} not found`, 'invalid_request_error') };
    switch (operation) {
      case 'GET /fine-tunes/{id}':
        this.#advance(job);
        return { status: 200, body: this.#wire(job, true) };
      case 'GET /fine-tunes/{id}/events':
        return { status: 200, body: { data: this.#events(job) } };
      case 'GET /fine-tunes/{id}/checkpoints':
        return { status: 200, body: { data: job.status === 'completed' ? [{ step: 10, created_at: job.updatedAt, path: `s3://stub/${job.id}/checkpoint-10`, checkpoint_type: 'default' }] : [] } };
      case 'POST /fine-tunes/{id}/cancel':
        if (['completed', 'error', 'cancelled'].includes(job.status)) return { status: 400, body: error(400, `job ${job.id} is already ${job.status}`, 'invalid_request_error') };
        job.status = 'cancel_requested';
        job.updatedAt = now;
        return { status: 200, body: this.#wire(job, false) };
    }
    return { status: 404, body: error(404, `no stub for ${operation}`) };
  }

  #advance(job: TogetherStubJob): void {
    if (job.status === 'cancel_requested') job.status = 'cancelled';
    else if (job.failWith && job.status !== 'error') job.status = 'error';
    else if (!['completed', 'error', 'cancelled'].includes(job.status)) job.status = this.#progression[Math.min(++job.step, this.#progression.length - 1)]!;
    job.updatedAt = new Date().toISOString();
  }

  #events(job: TogetherStubJob): Record<string, unknown>[] {
    const walked = [...this.#progression.slice(0, job.step + 1)];
    if (!walked.includes(job.status)) walked.push(job.status);
    return walked.map((status, i) => ({
      object: 'fine-tune-event',
      created_at: job.createdAt,
      level: status === 'error' ? 'error' : 'info',
      message: status === 'error' ? (job.failWith ?? 'job failed') : `job ${status}`,
      type: EVENT_TYPE[status] ?? 'job_start',
      param_count: 0,
      token_count: 0,
      total_steps: 10,
      wandb_url: '',
      step: i,
      checkpoint_path: '',
      model_path: '',
      training_offset: 0,
      hash: '',
    }));
  }

  #wire(job: TogetherStubJob, full: boolean): Record<string, unknown> {
    const r = job.request;
    return {
      id: job.id,
      status: job.status,
      created_at: job.createdAt,
      updated_at: job.updatedAt,
      model: r.model,
      model_output_name: job.outputName,
      ...(typeof r.suffix === 'string' ? { suffix: r.suffix } : {}),
      training_file: r.training_file,
      ...(typeof r.validation_file === 'string' ? { validation_file: r.validation_file } : {}),
      n_epochs: r.n_epochs ?? 1,
      n_checkpoints: r.n_checkpoints ?? 1,
      n_evals: r.n_evals ?? 0,
      batch_size: r.batch_size ?? 8,
      learning_rate: r.learning_rate ?? 0.00001,
      warmup_ratio: r.warmup_ratio ?? 0,
      ...(r.training_method ? { training_method: r.training_method } : {}),
      ...(r.training_type ? { training_type: r.training_type } : {}),
      token_count: job.status === 'completed' ? 1234 : 0,
      random_seed: r.random_seed ?? null,
      ...(full ? { events: this.#events(job) } : {}),
    };
  }
}

/** `POST /fine-tunes` → `create`, the names faults are scripted under. */
function operationName(operation: string): string {
  const names: Record<string, string> = {
    'POST /files/upload': 'upload',
    'POST /fine-tunes': 'create',
    'GET /fine-tunes': 'list',
    'POST /fine-tunes/estimate-price': 'estimate',
    'GET /fine-tunes/{id}': 'get',
    'GET /fine-tunes/{id}/events': 'events',
    'GET /fine-tunes/{id}/checkpoints': 'checkpoints',
    'POST /fine-tunes/{id}/cancel': 'cancel',
    'POST /chat/completions': 'chat',
  };
  return names[operation] ?? operation;
}
