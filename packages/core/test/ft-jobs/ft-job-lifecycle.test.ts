import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext } from '@ftm/test-support/fixtures';
import { makeDeps, seedDataset } from './ft-job-test-kit.js';
import { ManualClock } from '../../src/shared/clock.js';
import { GateDeniedError, InvalidTransitionError, NotFoundError, ValidationError } from '../../src/shared/errors.js';
import { LocalGovernanceEngine } from '../../src/governance/local-governance-engine.js';
import { createFtJob } from '../../src/ft-jobs/create-ft-job.js';
import { submitFtJob } from '../../src/ft-jobs/submit-ft-job.js';
import { pollFtJob } from '../../src/ft-jobs/poll-ft-job.js';
import { cancelFtJob } from '../../src/ft-jobs/cancel-ft-job.js';
import { getFtJob } from '../../src/ft-jobs/get-ft-job.js';
import { listFtJobs } from '../../src/ft-jobs/list-ft-jobs.js';
import { listFtJobEvents } from '../../src/ft-jobs/list-ft-job-events.js';
import { FT_JOB_POLL, FT_JOB_SUBMIT } from '../../src/ft-jobs/ft-job-jobs.js';
import { approveApproval, rejectApproval } from '../../src/approvals/decide-approval.js';
import { SimulatedFineTuneProvider } from '../../src/adapters/simulated/simulated-fine-tune-provider.js';
import type { ServiceContext } from '../../src/shared/context.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createPgliteTestDatabase();
});
afterAll(async () => t.dispose());

async function setup(options: Parameters<typeof makeDeps>[0] extends infer O ? Partial<O> : never = {}) {
  const clock = new ManualClock('2026-06-01T00:00:00Z');
  const deps = await makeDeps({ db: t.database.db, clock, ...options });
  const tenant = await seedTenant(t.database);
  const ctx = testContext({ tenantId: tenant.tenantId, clock });
  const admin = testContext({ tenantId: tenant.tenantId, clock, role: 'admin' });
  return { clock, deps, tenant, ctx, admin };
}

/** Drives a submitted job with the worker steps until the provider finishes it. */
async function runToEnd(deps: Awaited<ReturnType<typeof makeDeps>>, ctx: ServiceContext, clock: ManualClock, id: string) {
  for (let i = 0; i < 30; i++) {
    clock.advance(1_000);
    const outcome = await pollFtJob(deps, ctx, id);
    if (outcome.terminal) return;
  }
  throw new Error('job did not finish');
}

describe('fine-tuning end to end on the simulated provider', () => {
  it('goes from a ready dataset through gates, cost estimate and approval to a candidate model version, with events', async () => {
    const { clock, deps, tenant, ctx, admin } = await setup();
    const datasetId = await seedDataset(deps, tenant);
    const created = await createFtJob(deps, ctx, { dataset_id: datasetId, base_model: 'gpt-4o-mini-2024-07-18', suffix: 'support', cost_threshold_usd: 0.1, model_version_name: 'support-v1' });
    // 20 examples × 1,000 tokens, auto epochs = 5, at 3 USD per 1M tokens
    expect(created).toMatchObject({
      status: 'awaiting_approval',
      provider: 'simulated',
      simulated: true,
      estimated_cost_usd: 0.3,
      cost_estimate: { epochs: 5, billable_tokens: 100_000, price_per_million_tokens_usd: 3, estimated_cost_usd: 0.3 },
      cost_threshold_usd: 0.1,
    });
    expect(created.gates.map((g) => [g.gate, g.verdict])).toEqual([
      ['dataset_ready', 'pass'],
      ['dataset_sanitized', 'pass'],
      ['governance', 'pass'],
      ['cost_approval', 'pending'],
    ]);
    expect(created.governance_decision_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(deps.queue.named(FT_JOB_SUBMIT)).toHaveLength(0);

    await approveApproval({ db: deps.db, hooks: deps.approvalHooks }, admin, created.approval_id!, { notes: 'ok' });
    const approved = await getFtJob(deps, ctx, created.id);
    expect(approved.status).toBe('queued');
    expect(approved.gates.find((g) => g.gate === 'cost_approval')?.verdict).toBe('pass');
    expect(deps.queue.named(FT_JOB_SUBMIT, created.id)).toHaveLength(1);

    const submitted = await submitFtJob(deps, ctx, created.id);
    expect(submitted).toMatchObject({ status: 'running', provider_status: 'validating_files' });
    expect(submitted?.provider_job_id).toMatch(/^ftjob-sim-/);
    expect(deps.queue.named(FT_JOB_POLL, created.id).length).toBeGreaterThan(0);

    await runToEnd(deps, ctx, clock, created.id);
    const done = await getFtJob(deps, ctx, created.id);
    expect(done.status).toBe('completed');
    expect(done.fine_tuned_model).toMatch(/^ft:gpt-4o-mini-2024-07-18:ftm-sim:support:[0-9a-f]{8}$/);
    expect(done.trained_tokens).toBeGreaterThan(0);
    expect(done.actual_cost_usd).toBeCloseTo((done.trained_tokens! / 1e6) * 3, 6);
    expect(done.progress?.step).toBeGreaterThan(0);

    const version = await deps.db.selectFrom('model_versions').selectAll().where('id', '=', done.model_version_id!).executeTakeFirstOrThrow();
    expect(version).toMatchObject({
      status: 'candidate',
      name: 'support-v1',
      provider: 'simulated',
      provider_model_id: done.fine_tuned_model,
      base_model: 'gpt-4o-mini-2024-07-18',
      ft_job_id: done.id,
      dataset_id: datasetId,
    });
    expect(Number(version.estimated_cost_usd)).toBe(0.3);
    expect(Number(version.actual_cost_usd)).toBe(done.actual_cost_usd);

    const events = await listFtJobEvents(deps, ctx, done.id, { limit: 100 });
    const sources = new Set(events.data.map((e) => e.source));
    expect(sources).toEqual(new Set(['ftm', 'provider']));
    expect(events.data.filter((e) => e.type === 'gate_evaluated')).toHaveLength(4);
    expect(events.data.some((e) => e.message === 'The job has successfully completed')).toBe(true);
    const outbox = await deps.db.selectFrom('outbox_events').select('type').where('resource_id', '=', done.id).execute();
    expect(outbox.every((e) => e.type === 'ft_job.updated')).toBe(true);
    expect(outbox.length).toBeGreaterThanOrEqual(5);
    const audit = await deps.db.selectFrom('audit_events').select('action').where('resource_id', '=', done.id).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['ft_job.create', 'ft_job.approve', 'ft_job.submit', 'ft_job.submitted', 'ft_job.completed']));
  });

  it('stores each provider event once however often it is polled', async () => {
    const { clock, deps, tenant, ctx } = await setup();
    const datasetId = await seedDataset(deps, tenant);
    const job = await createFtJob(deps, ctx, { dataset_id: datasetId, base_model: 'gpt-4o-mini-2024-07-18' });
    await submitFtJob(deps, ctx, job.id);
    clock.advance(5_000);
    await pollFtJob(deps, ctx, job.id);
    // forget the cursor, as a crash between storing events and saving it would
    await deps.db
      .updateTable('ft_jobs')
      .set({ ftm_state: JSON.stringify({}) })
      .where('id', '=', job.id)
      .execute();
    await pollFtJob(deps, ctx, job.id);
    const rows = await deps.db.selectFrom('ft_job_events').select('provider_event_id').where('ft_job_id', '=', job.id).where('source', '=', 'provider').execute();
    expect(rows.length).toBeGreaterThan(3);
    expect(new Set(rows.map((r) => r.provider_event_id)).size).toBe(rows.length);
  });

  it('fails the job with the provider error when the provider fails it', async () => {
    const { clock, deps, tenant, ctx } = await setup({ failures: { failAt: 'running' } });
    const datasetId = await seedDataset(deps, tenant);
    const job = await createFtJob(deps, ctx, { dataset_id: datasetId, base_model: 'gpt-4o-mini-2024-07-18' });
    await submitFtJob(deps, ctx, job.id);
    await runToEnd(deps, ctx, clock, job.id);
    const failed = await getFtJob(deps, ctx, job.id);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'simulated_failure' }, model_version_id: null });
    expect(failed.status_reason).toMatch(/injected failure/);
  });

  it('fails the job without retrying when the provider refuses the submission', async () => {
    const { deps, tenant, ctx } = await setup({ failures: { rejectCreate: 'quota exhausted for this organisation' } });
    const datasetId = await seedDataset(deps, tenant);
    const job = await createFtJob(deps, ctx, { dataset_id: datasetId, base_model: 'gpt-4o-mini-2024-07-18' });
    const failed = await submitFtJob(deps, ctx, job.id);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'simulated_rejection' } });
  });

  it('retries the submission after a rate limit without creating a second provider job', async () => {
    const { deps, tenant, ctx } = await setup({ failures: { rateLimitedCalls: 1 }, submitLeaseMs: 0 });
    const datasetId = await seedDataset(deps, tenant);
    const job = await createFtJob(deps, ctx, { dataset_id: datasetId, base_model: 'gpt-4o-mini-2024-07-18' });
    await expect(submitFtJob(deps, ctx, job.id)).rejects.toMatchObject({ name: 'RateLimitedError' });
    expect((await getFtJob(deps, ctx, job.id)).status).toBe('submitting');
    expect((await submitFtJob(deps, ctx, job.id))?.status).toBe('running');
    const sim = new SimulatedFineTuneProvider({ db: deps.db });
    expect((await sim.countJobsByIdempotencyKey()).get(job.id)).toBe(1);
  });

  it('cancels a running job at the provider, and refuses to cancel it again', async () => {
    const { clock, deps, tenant, ctx } = await setup();
    const datasetId = await seedDataset(deps, tenant);
    const job = await createFtJob(deps, ctx, { dataset_id: datasetId, base_model: 'gpt-4o-mini-2024-07-18' });
    const running = await submitFtJob(deps, ctx, job.id);
    clock.advance(2_500);
    const canceled = await cancelFtJob(deps, ctx, job.id);
    expect(canceled).toMatchObject({ status: 'canceled', provider_status: 'cancelled' });
    const sim = new SimulatedFineTuneProvider({ db: deps.db, clock });
    expect((await sim.getJob(running!.provider_job_id!)).status).toBe('cancelled');
    await expect(cancelFtJob(deps, ctx, job.id)).rejects.toBeInstanceOf(InvalidTransitionError);
  });

  it('blocks a job whose cost approval is rejected, and never submits it', async () => {
    const { deps, tenant, ctx, admin } = await setup();
    const datasetId = await seedDataset(deps, tenant);
    const job = await createFtJob(deps, ctx, { dataset_id: datasetId, base_model: 'gpt-4o-mini-2024-07-18', prism_pre_approval: true });
    expect(job.status).toBe('awaiting_approval');
    await rejectApproval({ db: deps.db, hooks: deps.approvalHooks }, admin, job.approval_id!);
    const blocked = await getFtJob(deps, ctx, job.id);
    expect(blocked.status).toBe('blocked');
    expect(blocked.gates.find((g) => g.gate === 'cost_approval')?.verdict).toBe('deny');
    expect(await submitFtJob(deps, ctx, job.id)).toBeNull();
    expect(deps.queue.named(FT_JOB_SUBMIT, job.id)).toHaveLength(0);
  });
});

describe('creating a fine-tuning job', () => {
  it('refuses a dataset that is not ready, naming the gate, and stores nothing', async () => {
    const { deps, tenant, ctx } = await setup();
    const datasetId = await seedDataset(deps, tenant, { status: 'building' });
    const error = (await createFtJob(deps, ctx, { dataset_id: datasetId, base_model: 'gpt-4o-mini-2024-07-18' }).catch((e: unknown) => e)) as GateDeniedError;
    expect(error).toBeInstanceOf(GateDeniedError);
    expect(error.gates.find((g) => g.gate === 'dataset_ready')).toMatchObject({ verdict: 'deny', reason: 'dataset is building, not ready' });
    const jobs = await deps.db.selectFrom('ft_jobs').select('id').where('tenant_id', '=', tenant.tenantId).execute();
    expect(jobs).toHaveLength(0);
  });

  it('refuses a dataset that was not sanitized', async () => {
    const { deps, tenant, ctx } = await setup();
    const datasetId = await seedDataset(deps, tenant, { sanitized: false });
    const error = (await createFtJob(deps, ctx, { dataset_id: datasetId, base_model: 'gpt-4o-mini-2024-07-18' }).catch((e: unknown) => e)) as GateDeniedError;
    expect(error.gates.map((g) => [g.gate, g.verdict])).toEqual([
      ['dataset_ready', 'pass'],
      ['dataset_sanitized', 'deny'],
      ['governance', 'skipped'],
      ['cost_approval', 'skipped'],
    ]);
  });

  it('refuses what governance denies, with the decision id and reason, and records the denial in the audit trail', async () => {
    const governance = new LocalGovernanceEngine({
      version: 1,
      default: 'allow',
      rules: [{ id: 'no-4o', actions: ['ft.job.create'], effect: 'deny', when: { base_models: ['gpt-4o-2024*'] }, reason: 'gpt-4o fine-tunes are not budgeted' }],
    });
    const { deps, tenant, ctx } = await setup({ governance });
    const datasetId = await seedDataset(deps, tenant);
    const error = (await createFtJob(deps, ctx, { dataset_id: datasetId, base_model: 'gpt-4o-2024-08-06' }).catch((e: unknown) => e)) as GateDeniedError;
    expect(error).toBeInstanceOf(GateDeniedError);
    const gate = error.gates.find((g) => g.gate === 'governance');
    expect(gate?.verdict).toBe('deny');
    expect(gate?.reason).toMatch(/gpt-4o fine-tunes are not budgeted/);
    expect(gate?.decisionId).toBeTruthy();
    const audit = await deps.db.selectFrom('audit_events').select('action').where('tenant_id', '=', tenant.tenantId).execute();
    expect(audit.map((a) => a.action)).toEqual(['ft_job.create_denied']);
  });

  it("answers NotFound for another tenant's dataset", async () => {
    const { deps, tenant } = await setup();
    const datasetId = await seedDataset(deps, tenant);
    const other = await seedTenant(t.database);
    const ctx = testContext({ tenantId: other.tenantId });
    await expect(createFtJob(deps, ctx, { dataset_id: datasetId, base_model: 'gpt-4o-mini-2024-07-18' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses unknown fields, a grader outside reinforcement, and a model the provider cannot train', async () => {
    const { deps, tenant, ctx } = await setup();
    const datasetId = await seedDataset(deps, tenant);
    await expect(createFtJob(deps, ctx, { dataset_id: datasetId, base_model: 'gpt-4o-mini-2024-07-18', colour: 'red' })).rejects.toBeInstanceOf(ValidationError);
    await expect(createFtJob(deps, ctx, { dataset_id: datasetId, base_model: 'gpt-4o-mini-2024-07-18', grader: { type: 'x' } })).rejects.toBeInstanceOf(ValidationError);
    await expect(createFtJob(deps, ctx, { dataset_id: datasetId, base_model: 'llama-9' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('queues a job under the threshold at once and hands it to the worker', async () => {
    const { deps, tenant, ctx } = await setup({ defaultCostThresholdUsd: 100 });
    const datasetId = await seedDataset(deps, tenant);
    const job = await createFtJob(deps, ctx, { dataset_id: datasetId, base_model: 'gpt-4o-mini-2024-07-18' });
    expect(job.status).toBe('queued');
    expect(job.gates.at(-1)).toMatchObject({ gate: 'cost_approval', verdict: 'pass' });
    expect(deps.queue.named(FT_JOB_SUBMIT, job.id)).toHaveLength(1);
  });

  it('lists jobs newest first with filters and cursor pages', async () => {
    const { deps, tenant, ctx } = await setup();
    const datasetId = await seedDataset(deps, tenant);
    const a = await createFtJob(deps, ctx, { dataset_id: datasetId, base_model: 'gpt-4o-mini-2024-07-18' });
    const b = await createFtJob(deps, ctx, { dataset_id: datasetId, base_model: 'gpt-4o-mini-2024-07-18', prism_pre_approval: true });
    const first = await listFtJobs(deps, ctx, { limit: 1 });
    expect(first.data.map((j) => j.id)).toEqual([b.id]);
    const second = await listFtJobs(deps, ctx, { limit: 1, cursor: first.next_cursor! });
    expect(second.data.map((j) => j.id)).toEqual([a.id]);
    expect((await listFtJobs(deps, ctx, { status: 'awaiting_approval' })).data.map((j) => j.id)).toEqual([b.id]);
  });
});

describe('provider-level idempotency', () => {
  it('creates 50 jobs for 50 concurrent requests and one provider job each, even when every submission is delivered three times at once', async () => {
    const { deps, tenant, ctx } = await setup();
    const datasetId = await seedDataset(deps, tenant);
    const jobs = await Promise.all(Array.from({ length: 50 }, () => createFtJob(deps, ctx, { dataset_id: datasetId, base_model: 'gpt-4o-mini-2024-07-18' })));
    expect(new Set(jobs.map((j) => j.id)).size).toBe(50);
    const results = await Promise.allSettled(jobs.flatMap((j) => [1, 2, 3].map(() => submitFtJob(deps, ctx, j.id))));
    // deliveries that found the lease taken fail and would be retried by the queue
    expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason.name === 'SubmissionBusyError')).toBe(true);
    const counts = await new SimulatedFineTuneProvider({ db: deps.db }).countJobsByIdempotencyKey();
    for (const job of jobs) expect(counts.get(job.id)).toBe(1);
    const running = await deps.db.selectFrom('ft_jobs').select('id').where('tenant_id', '=', tenant.tenantId).where('status', '=', 'running').execute();
    expect(running).toHaveLength(50);
  });
});
