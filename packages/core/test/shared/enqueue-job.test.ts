import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { enqueueJob } from '../../src/shared/enqueue-job.js';
import { defineJob } from '../../src/shared/job-definition.js';
import { ValidationError } from '../../src/shared/errors.js';
import { silentLogger } from '../../src/shared/logger.js';
import type { EnqueueOptions, Queue } from '../../src/ports/queue.js';
import { enqueueSubmission } from '../../src/ft-jobs/create-ft-job.js';
import { enqueuePoll } from '../../src/ft-jobs/submit-ft-job.js';
import { ftJobPollJob, ftJobSubmitJob } from '../../src/ft-jobs/ft-job-jobs.js';
import { enqueueDatasetBuild } from '../../src/datasets/create-dataset.js';
import { datasetBuildJob } from '../../src/datasets/dataset-jobs.js';
import { enqueueDeliveries } from '../../src/webhooks/enqueue-deliveries.js';
import { webhookDeliverJob } from '../../src/webhooks/webhook-jobs.js';
import type { DatasetDeps } from '../../src/datasets/dataset-deps.js';
import type { WebhookDeps } from '../../src/webhooks/webhook-deps.js';
import type { ServiceContext } from '../../src/shared/context.js';

interface Enqueued {
  readonly name: string;
  readonly payload: unknown;
  readonly options: EnqueueOptions | undefined;
}

/** A queue that only records what is enqueued. */
function recordingQueue(): Queue & { readonly enqueued: Enqueued[] } {
  const enqueued: Enqueued[] = [];
  const unused = (): never => {
    throw new Error('not used by these tests');
  };
  return {
    enqueued,
    enqueue: async (name, payload, options) => {
      enqueued.push({ name, payload, options });
      return options?.jobId ?? `job-${enqueued.length}`;
    },
    consume: unused,
    stop: unused,
    depth: unused,
    depthByName: unused,
    listDeadLetters: unused,
    replayDeadLetters: unused,
    check: unused,
    close: unused,
  };
}

const greet = defineJob({
  name: 'test.greet',
  schema: z.object({ name: z.string().min(1), times: z.number().int().default(1) }),
  retry: { maxAttempts: 4, backoffMs: 250 },
});

const TENANT = '0190c0de-0000-7000-8000-000000000001';
const ID = '0190c0de-0000-7000-8000-000000000002';

describe('enqueueJob', () => {
  it('enqueues the parsed payload under the definition name, with its retry policy and the caller job id and delay', async () => {
    const queue = recordingQueue();
    const id = await enqueueJob(queue, greet, { name: 'Ada' }, { jobId: 'greet-ada', delayMs: 500 });
    expect(id).toBe('greet-ada');
    expect(queue.enqueued).toEqual([{ name: 'test.greet', payload: { name: 'Ada', times: 1 }, options: { jobId: 'greet-ada', delayMs: 500, maxAttempts: 4, backoffMs: 250 } }]);
  });

  it('refuses a payload that does not match the schema, enqueuing nothing', async () => {
    const queue = recordingQueue();
    const refused = enqueueJob(queue, greet, { name: '' });
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toMatchObject({ message: 'invalid payload for job test.greet' });
    expect(queue.enqueued).toEqual([]);
  });
});

describe('producers enqueue through their job definitions', () => {
  const policy = (job: { retry: { maxAttempts: number; backoffMs: number } }) => ({ maxAttempts: job.retry.maxAttempts, backoffMs: job.retry.backoffMs });

  it('a fine-tuning submission and poll take the policies of ftJobSubmitJob and ftJobPollJob', async () => {
    const queue = recordingQueue();
    await enqueueSubmission({ queue }, ID, TENANT);
    await enqueuePoll({ queue }, { id: ID, tenant_id: TENANT, poll_attempts: 2 }, 1_000);
    expect(queue.enqueued.map((e) => [e.name, e.options])).toEqual([
      ['ft_job.submit', { jobId: `ft_job.submit/${ID}/first`, ...policy(ftJobSubmitJob) }],
      ['ft_job.poll', { jobId: `ft_job.poll/${ID}/2`, delayMs: 1_000, ...policy(ftJobPollJob) }],
    ]);
  });

  it('a dataset build and a webhook attempt take the policies of datasetBuildJob and webhookDeliverJob', async () => {
    const queue = recordingQueue();
    await enqueueDatasetBuild({ queue } as unknown as DatasetDeps, { tenantId: TENANT } as ServiceContext, ID);
    await enqueueDeliveries({ queue, logger: silentLogger } as unknown as WebhookDeps, [{ id: ID, attempt_count: 0 }], 0);
    expect(queue.enqueued).toEqual([
      { name: 'dataset.build', payload: { tenant_id: TENANT, dataset_id: ID }, options: { jobId: ID, ...policy(datasetBuildJob) } },
      { name: 'webhook.deliver', payload: { deliveryId: ID }, options: { jobId: `webhook.${ID}.1`, delayMs: 0, ...policy(webhookDeliverJob) } },
    ]);
  });
});
