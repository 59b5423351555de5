/**
 * Minimal valid domain rows for store tests: each helper inserts one row with only the columns
 * its table requires, in the given tenant, and returns its id.
 */
import type { Kysely } from 'kysely';
import { createHash } from 'node:crypto';
import type { DB } from '../../src/db/schema.js';
import { uuidv7 } from '../../src/shared/ids.js';

/** Inserts a candidate model version. */
export async function insertModelVersion(db: Kysely<DB>, tenantId: string, overrides: { ft_job_id?: string } = {}): Promise<string> {
  const id = uuidv7();
  await db
    .insertInto('model_versions')
    .values({
      id,
      tenant_id: tenantId,
      name: `mv-${id}`,
      provider: 'simulated',
      provider_model_id: `ft:gpt-4o-mini:ftm-sim::${id}`,
      base_model: 'gpt-4o-mini',
      status: 'candidate',
      created_by: 'test',
      ...overrides,
    })
    .execute();
  return id;
}

/** Inserts a ready, sanitized dataset (version 1 of its own group). */
export async function insertDataset(db: Kysely<DB>, tenantId: string, overrides: { project_id?: string } = {}): Promise<string> {
  const id = uuidv7();
  await db
    .insertInto('datasets')
    .values({
      id,
      tenant_id: tenantId,
      name: `ds-${id}`,
      dataset_group_id: id,
      config_hash: 'cfg',
      source: JSON.stringify({ type: 'inline' }),
      format: 'jsonl_chat',
      status: 'ready',
      sanitized: true,
      train_blob_key: `datasets/${tenantId}/_/${id}/v1/train.jsonl`,
      train_sha256: createHash('sha256').update(id).digest('hex'),
      created_by: 'test',
      ...overrides,
    })
    .execute();
  return id;
}

/** Inserts a queued fine-tuning job on `datasetId`. */
export async function insertFtJob(db: Kysely<DB>, tenantId: string, datasetId: string, overrides: { provider?: string; provider_job_id?: string | null } = {}): Promise<string> {
  const id = uuidv7();
  await db
    .insertInto('ft_jobs')
    .values({ id, tenant_id: tenantId, dataset_id: datasetId, provider: 'simulated', base_model: 'gpt-4o-mini', created_by: 'test', ...overrides })
    .execute();
  return id;
}

/** Inserts an enabled webhook endpoint matching every event. */
export async function insertWebhookEndpoint(db: Kysely<DB>, tenantId: string): Promise<string> {
  const id = uuidv7();
  await db.insertInto('webhook_endpoints').values({ id, tenant_id: tenantId, url: 'https://receiver.example.com/hooks', secret: 'whsec_test', created_by: 'test' }).execute();
  return id;
}

/** Inserts an outbox event (as recordEvent would, without a context). */
export async function insertOutboxEvent(db: Kysely<DB>, tenantId: string): Promise<string> {
  const id = uuidv7();
  await db
    .insertInto('outbox_events')
    .values({ id, tenant_id: tenantId, type: 'dataset.created', resource_type: 'dataset', resource_id: null, payload: JSON.stringify({}) })
    .execute();
  return id;
}

/** Inserts a production pointer for an assistant target at `modelVersionId`. */
export async function insertPointer(db: Kysely<DB>, tenantId: string, modelVersionId: string, target = `assistant-${uuidv7()}`): Promise<string> {
  const id = uuidv7();
  await db.insertInto('production_pointers').values({ id, tenant_id: tenantId, target_type: 'assistant', target_value: target, model_version_id: modelVersionId, updated_by: 'test' }).execute();
  return id;
}
