import type { Kysely, Selectable } from 'kysely';
import type { DB, SimulatedJobsTable } from '../../db/schema.js';
import type { Clock } from '../../shared/clock.js';
import { systemClock } from '../../shared/clock.js';
import { NotFoundError, RateLimitedError } from '../../shared/errors.js';
import { uuidv7 } from '../../shared/ids.js';
import {
  FTM_JOB_METADATA_KEY,
  type CreateProviderJobInput,
  type FineTuneProvider,
  type ProviderCapabilities,
  type ProviderCheckpoint,
  type ProviderEvent,
  type ProviderJob,
  type TrainingFileSource,
} from '../../providers/fine-tune-provider.js';
import { ProviderRequestError } from '../../providers/provider-errors.js';
import { defineCapabilities } from '../../providers/provider-capabilities.js';
import { OPENAI_CAPABILITIES } from '../../providers/catalog/openai-catalog.js';
import { autoEpochs } from '../../providers/estimate-cost.js';
import { loadTextCounter } from '../../datasets/build/token-counter.js';
import { DEFAULT_SIMULATED_TIMINGS, simulateJob, type SimulatedJobFacts, type SimulatedTimings } from './simulated-progression.js';

type FailPhase = 'validating_files' | 'queued' | 'running';

type JobRow = Selectable<SimulatedJobsTable>;

/** Failures a test or a demo can inject. */
export interface SimulatedFailures {
  /** createJob refuses with this message, as a provider refuses a bad request. */
  readonly rejectCreate?: string;
  /** Every job fails at the end of this status. */
  readonly failAt?: FailPhase;
  /** The next N calls answer "rate limited", as a provider's 429 would. */
  readonly rateLimitedCalls?: number;
}

/** Metadata key with which one job asks to fail at a status (`validating_files|queued|running`). */
export const SIMULATE_FAILURE_METADATA_KEY = 'ftm_simulate_failure';

/** Configuration of the simulated provider. */
export interface SimulatedProviderOptions {
  readonly db: Kysely<DB>;
  readonly clock?: Clock;
  readonly timings?: Partial<SimulatedTimings>;
  readonly failures?: SimulatedFailures;
}

/**
 * The simulator stands in for OpenAI: the same methods, base models, limits and dataset formats, so
 * a request it accepts offline is one OpenAI would accept; no retirement and no webhooks.
 */
const SIMULATED_CAPABILITIES = defineCapabilities({ ...OPENAI_CAPABILITIES, provider: 'simulated', simulated: true, retirement: null, webhooks: false });
const PHASES: readonly FailPhase[] = ['validating_files', 'queued', 'running'];

/**
 * An offline fine-tuning provider: jobs move validating_files → queued → running → succeeded over
 * configurable durations measured from their creation, with events, checkpoints, a model id like
 * `ft:<base>:ftm-sim::<hash>` and trained tokens counted from the file. Its state lives in the
 * database, so it survives restarts and crashes of the worker that drives it.
 */
export class SimulatedFineTuneProvider implements FineTuneProvider {
  readonly name = 'simulated';
  readonly simulated = true;
  readonly #db: Kysely<DB>;
  readonly #clock: Clock;
  readonly #timings: SimulatedTimings;
  readonly #failures: SimulatedFailures;
  #rateLimitedCalls: number;

  constructor(options: SimulatedProviderOptions) {
    this.#db = options.db;
    this.#clock = options.clock ?? systemClock;
    this.#timings = { ...DEFAULT_SIMULATED_TIMINGS, ...options.timings };
    this.#failures = options.failures ?? {};
    this.#rateLimitedCalls = options.failures?.rateLimitedCalls ?? 0;
  }

  capabilities(): ProviderCapabilities {
    return SIMULATED_CAPABILITIES;
  }

  async uploadTrainingFile(source: TrainingFileSource, options: { readonly filename: string }): Promise<{ id: string; bytes: number }> {
    this.#maybeRateLimit();
    let bytes = 0;
    let examples = 0;
    let tokens = 0;
    let pending = '';
    const decoder = new TextDecoder();
    // Loaded on first upload, not with the module: every process importing @ftm/core (API pods
    // included) would otherwise load a tokenizer's rank table, tens of MB, at start.
    const countTokens = await loadTextCounter('o200k_base');
    const countLine = (line: string) => {
      if (line.trim() === '') return;
      examples += 1;
      tokens += countTokens(line);
    };
    for await (const chunk of await source.open()) {
      bytes += chunk.byteLength;
      pending += decoder.decode(chunk, { stream: true });
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(countLine);
    }
    countLine(pending + decoder.decode());
    if (examples === 0) throw new ProviderRequestError(this.name, 400, 'the training file has no examples', 'invalid_file', 'file');
    const id = `file-sim-${uuidv7()}`;
    await this.#db.insertInto('ftm_simulated.files').values({ id, filename: options.filename, bytes, example_count: examples, token_count: tokens, created_at: this.#clock.now() }).execute();
    return { id, bytes };
  }

  async createJob(input: CreateProviderJobInput): Promise<ProviderJob> {
    this.#maybeRateLimit();
    if (this.#failures.rejectCreate) throw new ProviderRequestError(this.name, 400, this.#failures.rejectCreate, 'simulated_rejection', null);
    const file = await this.#db.selectFrom('ftm_simulated.files').selectAll().where('id', '=', input.trainingFileId).executeTakeFirst();
    if (!file) throw new ProviderRequestError(this.name, 400, `training file ${input.trainingFileId} does not exist`, 'invalid_file', 'training_file');
    const requested = input.metadata?.[SIMULATE_FAILURE_METADATA_KEY];
    const failAt = PHASES.find((p) => p === requested) ?? this.#failures.failAt ?? null;
    const epochsParam = input.method.hyperparameters.n_epochs;
    const row = await this.#db
      .insertInto('ftm_simulated.jobs')
      .values({
        id: `ftjob-sim-${uuidv7()}`,
        idempotency_key: input.idempotencyKey,
        model: input.model,
        training_file: input.trainingFileId,
        validation_file: input.validationFileId ?? null,
        method: input.method.type,
        hyperparameters: JSON.stringify(input.method.hyperparameters),
        suffix: input.suffix ?? null,
        seed: input.seed ?? null,
        metadata: JSON.stringify({ ...input.metadata, [FTM_JOB_METADATA_KEY]: input.idempotencyKey }),
        n_epochs: typeof epochsParam === 'number' ? epochsParam : autoEpochs(file.example_count),
        example_count: file.example_count,
        token_count: file.token_count,
        fail_at: failAt,
        created_at: this.#clock.now(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return this.#toJob(row);
  }

  async findJobByIdempotencyKey(idempotencyKey: string): Promise<ProviderJob | null> {
    this.#maybeRateLimit();
    const row = await this.#db.selectFrom('ftm_simulated.jobs').selectAll().where('idempotency_key', '=', idempotencyKey).orderBy('created_at').limit(1).executeTakeFirst();
    return row ? this.#toJob(row) : null;
  }

  async getJob(providerJobId: string): Promise<ProviderJob> {
    this.#maybeRateLimit();
    return this.#toJob(await this.#row(providerJobId));
  }

  async listEvents(providerJobId: string, options: { readonly after?: string; readonly limit?: number } = {}): Promise<readonly ProviderEvent[]> {
    this.#maybeRateLimit();
    const events = simulateJob(toFacts(await this.#row(providerJobId)), this.#clock.now(), this.#timings).events;
    const from = options.after ? events.findIndex((e) => e.id === options.after) + 1 : 0;
    return events.slice(from, options.limit === undefined ? undefined : from + options.limit);
  }

  async listCheckpoints(providerJobId: string): Promise<readonly ProviderCheckpoint[]> {
    this.#maybeRateLimit();
    return simulateJob(toFacts(await this.#row(providerJobId)), this.#clock.now(), this.#timings).checkpoints;
  }

  async cancelJob(providerJobId: string): Promise<ProviderJob> {
    this.#maybeRateLimit();
    const row = await this.#row(providerJobId);
    const snapshot = simulateJob(toFacts(row), this.#clock.now(), this.#timings);
    if (snapshot.finishedAt) {
      throw new ProviderRequestError(this.name, 400, `job ${providerJobId} has already ${snapshot.status}`, 'invalid_state', null);
    }
    const updated = await this.#db
      .updateTable('ftm_simulated.jobs')
      .set({ cancelled_at: this.#clock.now() })
      .where('id', '=', providerJobId)
      .where('cancelled_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    return this.#toJob(updated ?? (await this.#row(providerJobId)));
  }

  /** How many jobs the provider was asked to create, per idempotency key (tests and diagnostics). */
  async countJobsByIdempotencyKey(): Promise<Map<string, number>> {
    const rows = await this.#db
      .selectFrom('ftm_simulated.jobs')
      .select(['idempotency_key', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('idempotency_key')
      .execute();
    return new Map(rows.map((r) => [r.idempotency_key, Number(r.n)]));
  }

  async #row(id: string): Promise<JobRow> {
    const row = await this.#db.selectFrom('ftm_simulated.jobs').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('simulated fine-tuning job', id);
    return row;
  }

  #maybeRateLimit(): void {
    if (this.#rateLimitedCalls <= 0) return;
    this.#rateLimitedCalls -= 1;
    throw new RateLimitedError('the simulated provider is rate limiting requests (injected)', 1);
  }

  #toJob(row: JobRow): ProviderJob {
    const s = simulateJob(toFacts(row), this.#clock.now(), this.#timings);
    return {
      id: row.id,
      status: s.status,
      model: row.model,
      fineTunedModel: s.fineTunedModel,
      trainedTokens: s.trainedTokens,
      error: s.error,
      createdAt: new Date(row.created_at),
      finishedAt: s.finishedAt,
      estimatedFinish: s.estimatedFinish,
      trainingFile: row.training_file,
      validationFile: row.validation_file,
      method: row.method as ProviderJob['method'],
      hyperparameters: { ...(row.hyperparameters as Record<string, unknown>), n_epochs: row.n_epochs },
      metadata: row.metadata as Record<string, string>,
      resultFiles: [],
      seed: row.seed,
    };
  }
}

function toFacts(row: JobRow): SimulatedJobFacts {
  return {
    id: row.id,
    model: row.model,
    suffix: row.suffix,
    trainingFile: row.training_file,
    validationFile: row.validation_file,
    nEpochs: row.n_epochs,
    exampleCount: row.example_count,
    tokenCount: Number(row.token_count),
    failAt: row.fail_at,
    createdAt: new Date(row.created_at),
    cancelledAt: row.cancelled_at ? new Date(row.cancelled_at) : null,
  };
}
