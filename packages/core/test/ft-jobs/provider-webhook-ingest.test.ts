import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { createPgliteTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext } from '@ftm/test-support/fixtures';
import { makeDeps, seedDataset } from './ft-job-test-kit.js';
import { ManualClock } from '../../src/shared/clock.js';
import { uuidv7 } from '../../src/shared/ids.js';
import { createFtJob } from '../../src/ft-jobs/create-ft-job.js';
import { submitFtJob } from '../../src/ft-jobs/submit-ft-job.js';
import { ingestProviderWebhook } from '../../src/ft-jobs/ingest-provider-webhook.js';
import { FT_JOB_POLL } from '../../src/ft-jobs/ft-job-jobs.js';
import type { EnqueueOptions } from '../../src/ports/queue.js';
import { signStandardWebhook } from '../../src/webhooks/standard-webhooks.js';

const KEY = Buffer.from('a-32-byte-secret-for-the-tests!!');
const SECRET = `whsec_${KEY.toString('base64')}`;

let t: TestDatabase;
beforeAll(async () => {
  t = await createPgliteTestDatabase();
});
afterAll(async () => t.dispose());

/** A submitted job on the simulated provider, and every enqueue call made after it (real queues re-run a finished job id). */
async function submittedJob() {
  const clock = new ManualClock(new Date());
  const deps = await makeDeps({ db: t.database.db, clock });
  const tenant = await seedTenant(t.database);
  const ctx = testContext({ tenantId: tenant.tenantId, clock });
  const datasetId = await seedDataset(deps, tenant);
  const job = await createFtJob(deps, ctx, { dataset_id: datasetId, base_model: 'gpt-4o-mini-2024-07-18' });
  const submitted = (await submitFtJob(deps, ctx, job.id))!;
  const enqueued: { name: string; options?: EnqueueOptions }[] = [];
  const queue = {
    ...deps.queue,
    enqueue: async (name: string, payload: unknown, options?: EnqueueOptions) => {
      enqueued.push({ name, ...(options ? { options } : {}) });
      return deps.queue.enqueue(name, payload, options);
    },
  };
  const ingestDeps = { db: deps.db, queue, webhookSecrets: { simulated: SECRET } };
  return { clock, ctx, submitted, enqueued, ingestDeps };
}

function delivery(providerJobId: string, webhookId: string, clock: ManualClock, body?: Uint8Array) {
  const bytes = body ?? Buffer.from(JSON.stringify({ object: 'event', id: `evt_${uuidv7()}`, type: 'fine_tuning.job.succeeded', created_at: 1, data: { id: providerJobId } }));
  const ts = Math.floor(clock.now().getTime() / 1000);
  return { rawBody: bytes, headers: { 'webhook-id': webhookId, 'webhook-timestamp': String(ts), 'webhook-signature': signStandardWebhook(webhookId, ts, bytes, [SECRET]) } };
}

describe('provider webhook ingestion', () => {
  it('schedules one poll for a webhook, and none for the same webhook-id delivered again within the tolerance window', async () => {
    const { clock, ctx, submitted, enqueued, ingestDeps } = await submittedJob();
    const d = delivery(submitted.provider_job_id!, 'wh_same', clock);
    const first = await ingestProviderWebhook(ingestDeps, ctx, { provider: 'simulated', ...d });
    clock.advance(60_000);
    const again = delivery(submitted.provider_job_id!, 'wh_same', clock);
    const second = await ingestProviderWebhook(ingestDeps, ctx, { provider: 'simulated', ...again });
    expect(first).toMatchObject({ ftJobId: submitted.id });
    expect(second).toMatchObject({ ftJobId: submitted.id, duplicate: true });
    expect(enqueued.filter((e) => e.name === FT_JOB_POLL)).toHaveLength(1);
    const other = await ingestProviderWebhook(ingestDeps, ctx, { provider: 'simulated', ...delivery(submitted.provider_job_id!, 'wh_other', clock) });
    expect(other).toMatchObject({ duplicate: false });
    expect(enqueued.filter((e) => e.name === FT_JOB_POLL)).toHaveLength(2);
  });

  it('verifies the signature over the body bytes, so a body that is not UTF-8 is not falsely rejected', async () => {
    const { clock, ctx, submitted, ingestDeps } = await submittedJob();
    const json = `{"object":"event","id":"evt_1","type":"fine_tuning.job.succeeded","created_at":1,"data":{"id":"${submitted.provider_job_id}"},"note":"`;
    const body = Buffer.concat([Buffer.from(json), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const ts = Math.floor(clock.now().getTime() / 1000);
    // signed over the bytes, as a sender does
    const signature = `v1,${createHmac('sha256', KEY).update(`wh_bytes.${ts}.`).update(body).digest('base64')}`;
    const result = await ingestProviderWebhook(ingestDeps, ctx, {
      provider: 'simulated',
      rawBody: body,
      headers: { 'webhook-id': 'wh_bytes', 'webhook-timestamp': String(ts), 'webhook-signature': signature },
    });
    expect(result).toMatchObject({ ftJobId: submitted.id, duplicate: false });
  });
});
