import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeAdapters, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, type SeededTenant } from '@ftm/test-support/fixtures';
import { uuidv7 } from '../../src/shared/ids.js';
import { insertDataset, insertFtJob, insertModelVersion, insertOutboxEvent, insertPointer, insertWebhookEndpoint } from './rows.js';
import { SqlState, sqlStateOf } from './sql-state.js';

describe.each(storeAdapters)('domain constraints on $name', ({ create }) => {
  let t: TestDatabase;
  let tenant: SeededTenant;
  let datasetId: string;
  beforeAll(async () => {
    t = await create();
    tenant = await seedTenant(t.database);
    datasetId = await insertDataset(t.database.db, tenant.tenantId);
  });
  afterAll(async () => t?.dispose());

  it('keeps one webhook delivery per endpoint and event', async () => {
    const db = t.database.db;
    const endpointId = await insertWebhookEndpoint(db, tenant.tenantId);
    const eventId = await insertOutboxEvent(db, tenant.tenantId);
    const row = () => ({ id: uuidv7(), tenant_id: tenant.tenantId, endpoint_id: endpointId, event_id: eventId, event_type: 'dataset.created' });
    await db.insertInto('webhook_deliveries').values(row()).execute();
    expect(await sqlStateOf(db.insertInto('webhook_deliveries').values(row()).execute())).toBe(SqlState.uniqueViolation);
    // what a fan-out that runs twice does: the second insert is a no-op
    const again = await db
      .insertInto('webhook_deliveries')
      .values(row())
      .onConflict((oc) => oc.columns(['endpoint_id', 'event_id']).doNothing())
      .returning('id')
      .execute();
    expect(again).toEqual([]);
  });

  it('lets one provider job id belong to one fine-tuning job per provider only', async () => {
    const db = t.database.db;
    await insertFtJob(db, tenant.tenantId, datasetId, { provider: 'openai', provider_job_id: 'ftjob-abc123' });
    expect(await sqlStateOf(insertFtJob(db, tenant.tenantId, datasetId, { provider: 'openai', provider_job_id: 'ftjob-abc123' }))).toBe(SqlState.uniqueViolation);
    // another provider may use the same identifier, and unsubmitted jobs have none
    await insertFtJob(db, tenant.tenantId, datasetId, { provider: 'azure-openai', provider_job_id: 'ftjob-abc123' });
    await insertFtJob(db, tenant.tenantId, datasetId, { provider: 'openai', provider_job_id: null });
    await insertFtJob(db, tenant.tenantId, datasetId, { provider: 'openai', provider_job_id: null });
  });

  it('ingests a provider event once per job', async () => {
    const db = t.database.db;
    const jobId = await insertFtJob(db, tenant.tenantId, datasetId);
    const event = (providerEventId: string | null) =>
      db
        .insertInto('ft_job_events')
        .values({ id: uuidv7(), tenant_id: tenant.tenantId, ft_job_id: jobId, source: providerEventId ? 'provider' : 'ftm', provider_event_id: providerEventId, type: 'message', message: 'step' })
        .execute();
    await event('ftevent-1');
    expect(await sqlStateOf(event('ftevent-1'))).toBe(SqlState.uniqueViolation);
    await event(null);
    await event(null);
  });

  it('records one result per case of an eval run', async () => {
    const db = t.database.db;
    const suiteId = uuidv7();
    await db.insertInto('eval_suites').values({ id: suiteId, tenant_id: tenant.tenantId, suite_group_id: suiteId, name: 'suite', created_by: 'test' }).execute();
    const caseId = uuidv7();
    await db
      .insertInto('eval_cases')
      .values({ id: caseId, tenant_id: tenant.tenantId, eval_suite_id: suiteId, position: 0, input: JSON.stringify({ messages: [] }), tags: ['smoke'] })
      .execute();
    const runId = uuidv7();
    await db
      .insertInto('eval_runs')
      .values({ id: runId, tenant_id: tenant.tenantId, eval_suite_id: suiteId, model_ref: JSON.stringify({ type: 'base_model', value: 'gpt-4o-mini' }), created_by: 'test' })
      .execute();
    const result = () => ({ id: uuidv7(), tenant_id: tenant.tenantId, eval_run_id: runId, case_id: caseId, passed: true, score: 1 });
    await db.insertInto('eval_case_results').values(result()).execute();
    expect(await sqlStateOf(db.insertInto('eval_case_results').values(result()).execute())).toBe(SqlState.uniqueViolation);
    const stored = await db.selectFrom('eval_cases').select('tags').where('id', '=', caseId).executeTakeFirstOrThrow();
    expect(stored.tags).toEqual(['smoke']);
  });

  it('keeps one pointer per target and one history row per pointer sequence number', async () => {
    const db = t.database.db;
    const mv = await insertModelVersion(db, tenant.tenantId);
    const pointerId = await insertPointer(db, tenant.tenantId, mv, 'assistant-support');
    expect(await sqlStateOf(insertPointer(db, tenant.tenantId, mv, 'assistant-support'))).toBe(SqlState.uniqueViolation);
    const history = () =>
      db.insertInto('pointer_history').values({ id: uuidv7(), tenant_id: tenant.tenantId, pointer_id: pointerId, seq: 1, to_model_version_id: mv, cause: 'promotion', actor: 'test' }).execute();
    await history();
    expect(await sqlStateOf(history())).toBe(SqlState.uniqueViolation);
  });

  it('refuses a status outside its enumeration', async () => {
    const db = t.database.db;
    const jobId = await insertFtJob(db, tenant.tenantId, datasetId);
    const badStatus = db
      .updateTable('ft_jobs')
      .set({ status: 'exploded' as 'failed' })
      .where('id', '=', jobId)
      .execute();
    expect(await sqlStateOf(badStatus)).toBe(SqlState.checkViolation);
  });

  it('stores money as exact decimals with six places, returned as text', async () => {
    const db = t.database.db;
    const jobId = await insertFtJob(db, tenant.tenantId, datasetId);
    await db.updateTable('ft_jobs').set({ estimated_cost_usd: '12.3456789', actual_cost_usd: 0.1 }).where('id', '=', jobId).execute();
    const row = await db.selectFrom('ft_jobs').select(['estimated_cost_usd', 'actual_cost_usd']).where('id', '=', jobId).executeTakeFirstOrThrow();
    expect(row).toEqual({ estimated_cost_usd: '12.345679', actual_cost_usd: '0.100000' });
  });

  it('refuses a global target with a value other than *', async () => {
    const db = t.database.db;
    const mv = await insertModelVersion(db, tenant.tenantId);
    const pointer = (value: string) =>
      db.insertInto('production_pointers').values({ id: uuidv7(), tenant_id: tenant.tenantId, target_type: 'global', target_value: value, model_version_id: mv, updated_by: 'test' }).execute();
    expect(await sqlStateOf(pointer('everything'))).toBe(SqlState.checkViolation);
    await pointer('*');
  });

  it('refuses a dataset marked ready without its built file', async () => {
    const db = t.database.db;
    const id = uuidv7();
    const ready = db
      .insertInto('datasets')
      .values({
        id,
        tenant_id: tenant.tenantId,
        name: 'x',
        dataset_group_id: id,
        config_hash: 'c',
        source: JSON.stringify({ type: 'inline' }),
        format: 'jsonl_chat',
        status: 'ready',
        created_by: 'test',
      })
      .execute();
    expect(await sqlStateOf(ready)).toBe(SqlState.checkViolation);
  });
});
