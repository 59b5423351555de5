import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPostgresTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { seedTenant, testContext } from '@ftm/test-support/fixtures';
import { makeDeps, seedDataset } from './ft-job-test-kit.js';
import { ManualClock } from '../../src/shared/clock.js';
import { createFtJob } from '../../src/ft-jobs/create-ft-job.js';
import { submitFtJob } from '../../src/ft-jobs/submit-ft-job.js';
import { pollFtJob } from '../../src/ft-jobs/poll-ft-job.js';
import { isTerminalFtJobStatus } from '../../src/ft-jobs/ft-job-state-machine.js';
import { SimulatedFineTuneProvider } from '../../src/adapters/simulated/simulated-fine-tune-provider.js';

const here = dirname(fileURLToPath(import.meta.url));
const STEPS = ['after_claim', 'after_upload', 'after_create', 'after_record'] as const;
const ROUNDS = 1;

let t: TestDatabase;
beforeAll(async () => {
  t = await createPostgresTestDatabase();
});
afterAll(async () => t.dispose());

function runChild(env: Record<string, string>): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=ftm-source', '--import', 'tsx', join(here, 'submit-child.ts')], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('crash safety of fine-tuning submission', () => {
  it('ends every job terminal with exactly one provider job when the worker is SIGKILLed at each step of submission', { timeout: 300_000 }, async () => {
    const blobRoot = await mkdtemp(join(tmpdir(), 'ftm-crash-blobs-'));
    // The recovering worker lives an hour later: crashed workers' leases have expired, and the
    // simulated provider has finished every job it was given.
    const later = new ManualClock(new Date(Date.now() + 3_600_000));
    const deps = await makeDeps({ db: t.database.db, clock: later, blobRoot });
    const tenant = await seedTenant(t.database);
    const ctx = testContext({ tenantId: tenant.tenantId, clock: later });
    const datasetId = await seedDataset(deps, tenant);
    const jobIds: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const step of STEPS) {
        const job = await createFtJob(deps, ctx, { dataset_id: datasetId, base_model: 'gpt-4o-mini-2024-07-18', metadata: { step } });
        jobIds.push(job.id);
        const result = await runChild({ FTM_CRASH_AT: step, FTM_TEST_DB_URL: t.url!, FTM_TEST_BLOB_ROOT: blobRoot, FTM_TEST_TENANT_ID: tenant.tenantId, FTM_TEST_FT_JOB_ID: job.id });
        expect(result.signal, `child for ${step} should have been killed: ${result.stderr}`).toBe('SIGKILL');
        // the queue redelivers the submission to another worker
        await submitFtJob(deps, ctx, job.id);
        for (let i = 0; i < 5 && !(await pollFtJob(deps, ctx, job.id)).terminal; i++) later.advance(60_000);
      }
    }
    const rows = await t.database.db.selectFrom('ft_jobs').select(['id', 'status', 'provider_job_id']).where('id', 'in', jobIds).execute();
    expect(rows).toHaveLength(STEPS.length * ROUNDS);
    for (const row of rows) expect(isTerminalFtJobStatus(row.status), `${row.id} is ${row.status}`).toBe(true);
    expect(rows.every((r) => r.status === 'completed')).toBe(true);
    const counts = await new SimulatedFineTuneProvider({ db: t.database.db }).countJobsByIdempotencyKey();
    for (const id of jobIds) expect(counts.get(id), `provider jobs for ${id}`).toBe(1);
    const providerJobIds = rows.map((r) => r.provider_job_id);
    expect(new Set(providerJobIds).size).toBe(rows.length);
  });
});
