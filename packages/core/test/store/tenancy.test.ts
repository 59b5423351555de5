import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeAdapters, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, type SeededTenant } from '@ftm/test-support/fixtures';
import { uuidv7 } from '../../src/shared/ids.js';
import { insertDataset, insertFtJob, insertModelVersion, insertOutboxEvent, insertPointer, insertWebhookEndpoint } from './rows.js';
import { SqlState, sqlStateOf } from './sql-state.js';

describe.each(storeAdapters)('tenant scoping on $name', ({ create }) => {
  let t: TestDatabase;
  let a: SeededTenant;
  let b: SeededTenant;
  beforeAll(async () => {
    t = await create();
    a = await seedTenant(t.database, 'tenant-a');
    b = await seedTenant(t.database, 'tenant-b');
  });
  afterAll(async () => t?.dispose());

  it('hides tenant A rows from a query scoped to tenant B', async () => {
    const db = t.database.db;
    const datasetId = await insertDataset(db, a.tenantId);
    const jobId = await insertFtJob(db, a.tenantId, datasetId);
    for (const [table, id] of [
      ['datasets', datasetId],
      ['ft_jobs', jobId],
    ] as const) {
      const asB = await db.selectFrom(table).select('id').where('tenant_id', '=', b.tenantId).where('id', '=', id).execute();
      const asA = await db.selectFrom(table).select('id').where('tenant_id', '=', a.tenantId).where('id', '=', id).execute();
      expect({ table, asA: asA.length, asB: asB.length }).toEqual({ table, asA: 1, asB: 0 });
    }
  });

  it('refuses a fine-tuning job in tenant B on tenant A dataset', async () => {
    const datasetOfA = await insertDataset(t.database.db, a.tenantId);
    expect(await sqlStateOf(insertFtJob(t.database.db, b.tenantId, datasetOfA))).toBe(SqlState.foreignKeyViolation);
  });

  it('refuses a dataset in tenant B filed under tenant A project', async () => {
    expect(await sqlStateOf(insertDataset(t.database.db, b.tenantId, { project_id: a.projectId }))).toBe(SqlState.foreignKeyViolation);
  });

  it('refuses a model version in tenant B that names tenant A fine-tuning job', async () => {
    const jobOfA = await insertFtJob(t.database.db, a.tenantId, await insertDataset(t.database.db, a.tenantId));
    expect(await sqlStateOf(insertModelVersion(t.database.db, b.tenantId, { ft_job_id: jobOfA }))).toBe(SqlState.foreignKeyViolation);
  });

  it('refuses a production pointer in tenant B serving tenant A model version', async () => {
    const versionOfA = await insertModelVersion(t.database.db, a.tenantId);
    expect(await sqlStateOf(insertPointer(t.database.db, b.tenantId, versionOfA))).toBe(SqlState.foreignKeyViolation);
  });

  it('refuses a webhook delivery in tenant B for tenant A endpoint or tenant A event', async () => {
    const db = t.database.db;
    const endpointOfA = await insertWebhookEndpoint(db, a.tenantId);
    const endpointOfB = await insertWebhookEndpoint(db, b.tenantId);
    const eventOfA = await insertOutboxEvent(db, a.tenantId);
    const eventOfB = await insertOutboxEvent(db, b.tenantId);
    const deliver = (endpointId: string, eventId: string) =>
      db.insertInto('webhook_deliveries').values({ id: uuidv7(), tenant_id: b.tenantId, endpoint_id: endpointId, event_id: eventId, event_type: 'dataset.created' }).execute();
    expect(await sqlStateOf(deliver(endpointOfA, eventOfB))).toBe(SqlState.foreignKeyViolation);
    expect(await sqlStateOf(deliver(endpointOfB, eventOfA))).toBe(SqlState.foreignKeyViolation);
    await deliver(endpointOfB, eventOfB);
  });
});
