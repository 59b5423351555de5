import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROMETHEUS_CONTENT_TYPE, sampleRuntimeGauges, uuidv7, type Ftm, type FtmMetrics } from '@ftm/core';
import { asKnownError, problem, problemForDomainError } from '../http/problem.js';
import type { ScrapeAuthorizer } from '../http/metrics-auth.js';

// As on the API: Prometheus' default scrape timeout is 10 s; a slow queue or database must not fail a scrape.
const SAMPLE_TIMEOUT_MS = 2_000;

/** What the listener serves and where. */
export interface WorkerMetricsListenerOptions {
  readonly ftm: Ftm;
  readonly metrics: FtmMetrics;
  readonly authorize: ScrapeAuthorizer;
  readonly host: string;
  readonly port: number;
}

/** A running listener: its URL and how to close it. */
export interface WorkerMetricsListener {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The HTTP side of `ftm worker` (FTM_WORKER_METRICS_PORT): `GET /metrics`, the worker process's
 * registry (job durations, provider calls, webhook attempts, process metrics) with the queue,
 * outbox and webhook gauges sampled now, behind the same credential as the API's `/metrics`;
 * and `GET /healthz`. Plain node:http: a worker has no other routes, so no framework is loaded.
 */
export async function startWorkerMetricsListener(options: WorkerMetricsListenerOptions): Promise<WorkerMetricsListener> {
  const { ftm, metrics, authorize } = options;
  const send = (res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers }).end(body);
  };
  const sendProblem = (res: ServerResponse, status: number, code: string, title: string, detail: string, requestId: string): void =>
    send(res, status, 'application/problem+json', JSON.stringify(problem(status, code, title, detail, requestId)));

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = uuidv7();
    res.setHeader('x-request-id', requestId);
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendProblem(res, 405, 'method_not_allowed', 'Method not allowed', 'only GET is served here', requestId);
    if (path === '/healthz') return send(res, 200, 'application/json; charset=utf-8', '{"status":"ok"}');
    if (path !== '/metrics') return sendProblem(res, 404, 'not_found', 'Not found', 'this worker serves /metrics and /healthz only', requestId);
    const refusal = await authorize(req.headers.authorization);
    if (refusal) {
      const known = asKnownError(refusal);
      if (!known) throw refusal;
      const { problem: body, headers } = problemForDomainError(known, requestId);
      return send(res, body.status, 'application/problem+json', JSON.stringify(body), { ...headers });
    }
    await sampleRuntimeGauges(metrics, { queue: ftm.queue, db: ftm.database.db, timeoutMs: SAMPLE_TIMEOUT_MS, now: () => ftm.clock.now() });
    send(res, 200, PROMETHEUS_CONTENT_TYPE, await metrics.registry.metrics());
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      ftm.logger.error({ err: error }, 'worker metrics request failed');
      if (!res.headersSent) sendProblem(res, 500, 'internal_error', 'Internal server error', 'the request failed; see the worker log', String(res.getHeader('x-request-id') ?? ''));
      else res.destroy();
    });
  });
  // Scrapes are short; an idle keep-alive connection must not hold the worker's shutdown.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
