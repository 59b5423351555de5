import type { FastifyInstance } from 'fastify';
import type { Ftm } from '@ftm/core';
import { problem } from '../../http/problem.js';

interface DependencyCheck {
  status: 'ok' | 'fail';
  latency_ms: number;
  error?: string;
}

const CHECK_TIMEOUT_MS = 3_000;

async function timed(check: () => Promise<void>): Promise<DependencyCheck> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { status: 'ok', latency_ms: Math.round(performance.now() - started) };
  } catch (error) {
    // Only a short, fixed reason: driver messages can carry hosts or credentials.
    const reason = (error as Error).message === 'timed out' ? 'timed out' : 'not reachable';
    return { status: 'fail', latency_ms: Math.round(performance.now() - started), error: reason };
  } finally {
    clearTimeout(timer);
  }
}

/** `/healthz` (the process is alive) and `/readyz` (database, queue and storage answer). */
export async function healthRoutes(app: FastifyInstance, { ftm }: { ftm: Ftm }): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (request, reply) => {
    const [database, queue, storage] = await Promise.all([timed(() => ftm.database.check()), timed(() => ftm.queue.check()), timed(() => ftm.blobs.check())]);
    const checks = { database, queue, storage };
    const failed = Object.entries(checks)
      .filter(([, c]) => c.status === 'fail')
      .map(([name]) => name);
    if (failed.length === 0) return { status: 'ready', checks };
    const body = problem(503, 'dependency_unavailable', 'Service unavailable', `not ready: ${failed.join(', ')} failed`, request.id, { checks });
    return reply.code(503).type('application/problem+json').header('retry-after', '5').send(body);
  });
}
