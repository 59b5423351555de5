/**
 * One conformance suite for every FineTuneProvider adapter: what FTM relies on, checked the same
 * way against the simulated provider and against the HTTP adapters through stubs of the providers'
 * published shapes (packages/test-support/src/provider-stubs).
 */
import { describe, expect, it } from 'vitest';
import type { CreateProviderJobInput, FineTuneProvider, ProviderJob } from '../../src/providers/fine-tune-provider.js';
import { isTerminalProviderStatus } from '../../src/providers/fine-tune-provider.js';
import { ProviderRequestError } from '../../src/providers/provider-errors.js';
import { DependencyUnavailableError, RateLimitedError } from '../../src/shared/errors.js';
import { uuidv7 } from '../../src/shared/ids.js';

/** How the suite drives one adapter. */
export interface ProviderConformanceHarness {
  readonly name: string;
  /** A base model the provider fine-tunes with supervised training. */
  readonly model: string;
  /** The adapter with a valid credential. */
  provider(): FineTuneProvider;
  /** The adapter with a wrong credential; absent for providers without credentials (simulated). */
  unauthorized?(): FineTuneProvider;
  /** Lets provider time pass between two reads (the simulator's clock; stubs advance per read). */
  advance(): Promise<void>;
  /** Arranges that the next job created fails during training; returns what createJob needs for it. */
  failNextJob(): Partial<CreateProviderJobInput>;
  /** The adapter whose next read answers 429 (with this Retry-After where the provider sends one). */
  rateLimited(retryAfterSec: number): FineTuneProvider;
  /** True when the provider reports the Retry-After given (an HTTP 429); the simulator says 1 s. */
  readonly reportsRetryAfter: boolean;
  /** Arranges that the next create makes the job and then answers 500; absent without HTTP. */
  createThen500?(): void;
  /** Jobs the provider holds (to count them). */
  jobCount(): Promise<number>;
  /** Signs a webhook delivery as the provider does, for providers with webhooks. */
  readonly webhook?: { sign(providerJobId: string): { readonly body: string; readonly headers: Record<string, string> }; check(body: string, headers: Record<string, string>): Promise<string> };
}

const text = '{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}\n';
const source = { open: async () => [new TextEncoder().encode(text)], sizeBytes: text.length };

async function createJob(h: ProviderConformanceHarness, p: FineTuneProvider, extra: Partial<CreateProviderJobInput> = {}) {
  const key = uuidv7();
  const file = await p.uploadTrainingFile(source, { filename: `ftm-${key}-train.jsonl` });
  const job = await p.createJob({ model: h.model, trainingFileId: file.id, method: { type: 'supervised', hyperparameters: {} }, idempotencyKey: key, suffix: 'conf', ...extra });
  return { key, file, job };
}

async function pollToEnd(h: ProviderConformanceHarness, p: FineTuneProvider, id: string): Promise<ProviderJob> {
  for (let i = 0; i < 30; i++) {
    await h.advance();
    const job = await p.getJob(id);
    if (isTerminalProviderStatus(job.status)) return job;
  }
  throw new Error(`job ${id} did not finish`);
}

/** Registers the suite for one adapter. */
export function describeProviderConformance(h: ProviderConformanceHarness): void {
  describe(`FineTuneProvider conformance: ${h.name}`, () => {
    it("creates a job from an uploaded file and finds it again by FTM's marker", async () => {
      const p = h.provider();
      const { key, file, job } = await createJob(h, p);
      expect(job.status).not.toBe('succeeded');
      expect(job.model).toBe(h.model);
      expect((await p.findJobByIdempotencyKey(key, { trainingFileId: file.id }))?.id).toBe(job.id);
      expect(await p.findJobByIdempotencyKey(uuidv7(), { trainingFileId: null })).toBeNull();
    });

    it('polls a job to succeeded with a fine-tuned model, its events (new ones only after a cursor) and checkpoints', async () => {
      const p = h.provider();
      const { job } = await createJob(h, p);
      const done = await pollToEnd(h, p, job.id);
      expect(done.status).toBe('succeeded');
      expect(done.fineTunedModel).toEqual(expect.any(String));
      expect(done.error).toBeNull();
      const events = await p.listEvents(job.id);
      expect(events.length).toBeGreaterThan(1);
      expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
      expect(events.map((e) => e.createdAt.getTime())).toEqual([...events.map((e) => e.createdAt.getTime())].sort((a, b) => a - b));
      expect((await p.listEvents(job.id, { after: events[0]!.id })).map((e) => e.id)).toEqual(events.slice(1).map((e) => e.id));
      const checkpoints = await p.listCheckpoints(job.id);
      expect(checkpoints.length).toBeGreaterThan(0);
      expect(checkpoints[0]!.fineTunedModelCheckpoint).toEqual(expect.any(String));
    });

    it('cancels a running job', async () => {
      const p = h.provider();
      const { job } = await createJob(h, p);
      const canceled = await p.cancelJob(job.id);
      expect(['cancelled', 'running', 'queued']).toContain(canceled.status);
      expect((await pollToEnd(h, p, job.id)).status).toBe('cancelled');
    });

    it("reports a job that fails in training with the provider's message", async () => {
      const p = h.provider();
      const { job } = await createJob(h, p, h.failNextJob());
      const failed = await pollToEnd(h, p, job.id);
      expect(failed.status).toBe('failed');
      expect(failed.error?.message).toEqual(expect.stringMatching(/\S/));
      expect(failed.fineTunedModel).toBeNull();
    });

    it.skipIf(!h.unauthorized)('refuses a wrong credential as a 401 provider refusal', async () => {
      const error = await h.unauthorized!()
        .uploadTrainingFile(source, { filename: 'x.jsonl' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderRequestError);
      expect((error as ProviderRequestError).status).toBe(401);
    });

    it('surfaces a persistent 429 as RateLimitedError with its Retry-After', async () => {
      const { job } = await createJob(h, h.provider());
      const error = await h
        .rateLimited(7)
        .getJob(job.id)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RateLimitedError);
      expect((error as RateLimitedError).retryAfterSec).toBe(h.reportsRetryAfter ? 7 : 1);
    });

    it.skipIf(!h.createThen500)('makes one job when the create answers 500 after making it, and finds that job', async () => {
      const p = h.provider();
      const key = uuidv7();
      const file = await p.uploadTrainingFile(source, { filename: `ftm-${key}-train.jsonl` });
      const before = await h.jobCount();
      h.createThen500!();
      const error = await p.createJob({ model: h.model, trainingFileId: file.id, method: { type: 'supervised', hyperparameters: {} }, idempotencyKey: key }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DependencyUnavailableError);
      expect(await h.jobCount()).toBe(before + 1);
      expect(await p.findJobByIdempotencyKey(key, { trainingFileId: file.id })).not.toBeNull();
    });

    it('declares webhooks exactly when it has them, and its deliveries verify', async () => {
      expect(h.provider().capabilities().webhooks).toBe(h.webhook !== undefined);
      if (!h.webhook) return;
      const { job } = await createJob(h, h.provider());
      const { body, headers } = h.webhook.sign(job.id);
      expect(await h.webhook.check(body, headers)).toBe(job.id);
      await expect(h.webhook.check(body.replace(job.id, 'ftjob-other'), headers)).rejects.toThrow();
    });
  });
}
