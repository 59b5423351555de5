/**
 * A worker process for the crash test: submits one fine-tuning job and SIGKILLs itself at the step
 * named by FTM_CRASH_AT (after_claim | after_upload | after_create | after_record).
 */
import { openPostgres } from '../../src/db/open-database.js';
import { systemClock } from '../../src/shared/clock.js';
import { submitFtJob } from '../../src/ft-jobs/submit-ft-job.js';
import { FT_JOB_POLL } from '../../src/ft-jobs/ft-job-jobs.js';
import type { FineTuneProvider } from '../../src/providers/fine-tune-provider.js';
import { makeDeps } from './ft-job-test-kit.js';
import { testContext } from '@ftm/test-support/fixtures';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const crashAt = env('FTM_CRASH_AT');
const die = (step: string) => {
  if (crashAt === step) process.kill(process.pid, 'SIGKILL');
};

const database = openPostgres({ connectionString: env('FTM_TEST_DB_URL') });
const deps = await makeDeps({ db: database.db, clock: systemClock, blobRoot: env('FTM_TEST_BLOB_ROOT'), submitLeaseMs: 60_000 });
const resolve = deps.providers.resolve.bind(deps.providers);
const crashing = (p: FineTuneProvider): FineTuneProvider => ({
  name: p.name,
  simulated: p.simulated,
  capabilities: () => p.capabilities(),
  findJobByIdempotencyKey: async (key) => {
    die('after_claim');
    return p.findJobByIdempotencyKey(key);
  },
  uploadTrainingFile: async (source, options) => {
    const file = await p.uploadTrainingFile(source, options);
    die('after_upload');
    return file;
  },
  createJob: async (input) => {
    const job = await p.createJob(input);
    die('after_create');
    return job;
  },
  getJob: (id) => p.getJob(id),
  listEvents: (id, o) => p.listEvents(id, o),
  listCheckpoints: (id) => p.listCheckpoints(id),
  cancelJob: (id) => p.cancelJob(id),
});
const providers = {
  ...deps.providers,
  defaultProvider: deps.providers.defaultProvider,
  names: deps.providers.names,
  resolve: async (name: string, scope: Parameters<typeof resolve>[1]) => crashing(await resolve(name, scope)),
};
const enqueue = deps.queue.enqueue.bind(deps.queue);
deps.queue.enqueue = async (name, payload, options) => {
  if (name === FT_JOB_POLL) die('after_record');
  return enqueue(name, payload, options);
};
const ctx = testContext({ tenantId: env('FTM_TEST_TENANT_ID') });
await submitFtJob({ ...deps, providers }, { ...ctx, clock: systemClock }, env('FTM_TEST_FT_JOB_ID'));
await database.close();
