import type { FastifyInstance } from 'fastify';
import { PROMETHEUS_CONTENT_TYPE, sampleRuntimeGauges, type Ftm } from '@ftm/core';

// Prometheus' default scrape timeout is 10 s; a slow queue or database must not make a scrape fail.
const SAMPLE_TIMEOUT_MS = 2_000;

/**
 * `GET /metrics`: the app's metrics in the Prometheus text format, with the queue depth, outbox
 * backlog, webhook dead letters and fine-tuning costs sampled now. Registered in its own scope
 * behind the scrape credential (http/metrics-auth.ts), not behind API keys.
 */
export async function metricsRoutes(app: FastifyInstance, { ftm }: { ftm: Ftm }): Promise<void> {
  app.get('/metrics', async (_request, reply) => {
    const metrics = app.ftmMetrics;
    await sampleRuntimeGauges(metrics, { queue: ftm.queue, db: ftm.database.db, timeoutMs: SAMPLE_TIMEOUT_MS, now: () => ftm.clock.now() });
    return reply.type(PROMETHEUS_CONTENT_TYPE).send(await metrics.registry.metrics());
  });
}
