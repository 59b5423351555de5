import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { enqueueJob, LocalQueue, NotFoundError } from '@ftm/core';
import { createWorker, defineJob, type FtmWorker } from '@ftm/worker';
import { createPgliteTestDatabase, type TestDatabase } from '@ftm/test-support/databases';
import { waitFor } from '../../core/test/queue/queue-harness.js';
import { startTracing, type Tracing } from '../src/observability/tracing.js';
import { OTLP_SPAN_KIND, OTLP_STATUS, startOtlpCollector, type OtlpCollector, type ReceivedSpan } from './support/otlp-collector.js';

const greet = defineJob({ name: 'test.greet', schema: z.object({ name: z.string() }), retry: { maxAttempts: 3, backoffMs: 10 } });
const lookup = defineJob({ name: 'test.lookup', schema: z.object({ datasetId: z.string() }), retry: { maxAttempts: 3, backoffMs: 10 } });
// Stands for personal data in a payload or an error message: neither may reach the collector.
const PERSONAL = 'ada.lovelace@example.com';

describe('worker job spans', () => {
  let t: TestDatabase;
  let collector: OtlpCollector;
  let tracing: Tracing;
  let worker: FtmWorker;
  let spans: ReceivedSpan[];
  const ids: Record<'greet' | 'lookup', string> = { greet: '', lookup: '' };

  beforeAll(async () => {
    t = await createPgliteTestDatabase();
    collector = await startOtlpCollector();
    tracing = (await startTracing({ endpoint: collector.endpoint, serviceName: 'ftm-worker' }))!;
    const queue = new LocalQueue(t.database, { pollIntervalMs: 20 });
    worker = createWorker({
      queue,
      jobs: [greet, lookup],
      handlers: {
        'test.greet': async () => {},
        'test.lookup': async () => {
          throw new NotFoundError('dataset', PERSONAL);
        },
      },
      tracer: tracing.tracer,
    });
    worker.start();
    ids.greet = await enqueueJob(queue, greet, { name: PERSONAL });
    ids.lookup = await enqueueJob(queue, lookup, { datasetId: PERSONAL });
    spans = await waitFor(
      async () => {
        await tracing.forceFlush();
        const seen = collector.spans();
        return seen.length >= 2 ? seen : undefined;
      },
      15_000,
      'two job spans',
    );
  });
  afterAll(async () => {
    await worker?.stop(1_000);
    await tracing?.shutdown();
    await collector?.close();
    await t?.dispose();
  });

  it('records one CONSUMER span per attempt with the job name, id, attempt and outcome', () => {
    const span = spans.find((s) => s.attributes['ftm.job.id'] === ids.greet);
    expect(span).toMatchObject({
      name: 'process test.greet',
      kind: OTLP_SPAN_KIND.CONSUMER,
      statusCode: OTLP_STATUS.UNSET,
      attributes: { 'ftm.job.name': 'test.greet', 'ftm.job.attempt': 1, 'ftm.job.max_attempts': 3, 'ftm.job.outcome': 'succeeded' },
      resource: { 'service.name': 'ftm-worker' },
    });
  });

  it('marks a failed attempt as an error with its outcome and error class only', () => {
    const span = spans.find((s) => s.attributes['ftm.job.id'] === ids.lookup);
    expect(span).toMatchObject({
      name: 'process test.lookup',
      statusCode: OTLP_STATUS.ERROR,
      attributes: { 'ftm.job.outcome': 'unrecoverable', 'error.type': 'UnrecoverableError' },
    });
    for (const e of collector.exports) expect(e.body).not.toContain(PERSONAL);
  });
});
