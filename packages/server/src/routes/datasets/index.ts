import type { FastifyInstance } from 'fastify';
import { MAX_INLINE_BYTES, type Ftm } from '@ftm/core';
import { uuidParam } from '../../http/path-params.js';
import '../../http/request-context.js';

/**
 * Inline records may reach 10 MB (the use case answers 413 beyond); the rest of the request
 * needs some room on top. Anything larger is refused by Fastify, also with a 413.
 */
export const DATASET_BODY_LIMIT_BYTES = MAX_INLINE_BYTES + 1024 * 1024;

/** Datasets: create (queues the build), list, get, rebuild, download the built file. */
export async function datasetsRoutes(app: FastifyInstance, { ftm }: { ftm: Ftm }): Promise<void> {
  app.post('/datasets', { bodyLimit: DATASET_BODY_LIMIT_BYTES }, async (request, reply) => {
    const dataset = await ftm.datasets.createDataset(request.ctx, request.body);
    return reply.code(201).header('location', `/datasets/${dataset.id}`).send(dataset);
  });

  app.get('/datasets', async (request) => ftm.datasets.listDatasets(request.ctx, request.query));

  app.get('/datasets/:id', async (request) => ftm.datasets.getDataset(request.ctx, uuidParam(request.params)));

  app.post('/datasets/:id/rebuild', async (request, reply) => {
    const dataset = await ftm.datasets.rebuildDataset(request.ctx, uuidParam(request.params));
    return reply.code(201).header('location', `/datasets/${dataset.id}`).send(dataset);
  });

  app.get('/datasets/:id/content', async (request, reply) => {
    const split = (request.query as { split?: unknown } | undefined)?.split ?? 'train';
    const content = await ftm.datasets.getDatasetContent(request.ctx, uuidParam(request.params), split);
    if (content.kind === 'redirect') return reply.code(302).header('location', content.url).header('cache-control', 'no-store').send();
    return reply.type('application/x-ndjson').header('etag', `"${content.sha256}"`).header('content-length', String(content.sizeBytes)).send(content.body);
  });
}
