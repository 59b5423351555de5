import type { Logger } from 'pino';
import { defaultFtmMetrics } from '@ftm/core';
import type { FtmConfig } from '../config.js';
import { buildApp } from '../app.js';
import { consoleAssetsDir } from '../routes/console/index.js';
import { dataDirLockOf, openRuntime } from '../runtime/open-runtime.js';
import { startWorker } from '../runtime/start-worker.js';
import { startWorkerMetricsListener } from '../runtime/worker-metrics-listener.js';
import { scrapeAuthorizer } from '../http/metrics-auth.js';
import { logTracingDiagnostics, startTracing } from '../observability/tracing.js';

const DRAIN_TIMEOUT_MS = 30_000;
const IDEMPOTENCY_PURGE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * `ftm start` (API + worker, migrates, prints the dev key on first start), `ftm api` and
 * `ftm worker`. SIGTERM/SIGINT: stop accepting, finish in-flight requests, drain jobs, close.
 */
export async function serve(mode: 'start' | 'api' | 'worker', config: FtmConfig, logger: Logger, out: (line: string) => void): Promise<void> {
  const ftm = await openRuntime(config, logger, { migrate: mode === 'start', command: mode });
  // One provider per role, so `ftm start` reports its requests as ftm-api and its jobs as ftm-worker.
  if (config.otelEndpoint) logTracingDiagnostics(logger);
  const apiTracing = mode === 'worker' ? undefined : await startTracing({ endpoint: config.otelEndpoint, serviceName: 'ftm-api' });
  const workerTracing = mode === 'api' ? undefined : await startTracing({ endpoint: config.otelEndpoint, serviceName: 'ftm-worker' });
  const consoleDir = mode !== 'worker' && config.console ? consoleAssetsDir() : undefined;
  if (mode !== 'worker' && config.console && !consoleDir) logger.warn('the web console is not built (pnpm build): /console is not served');
  const app = mode === 'worker' ? undefined : await buildApp({ config, ftm, logger, tracer: apiTracing?.tracer, consoleDir });
  let purge: NodeJS.Timeout | undefined;
  if (mode === 'start') {
    const boot = await ftm.auth.ensureBootstrap();
    if (boot.created) {
      out('Created the default tenant and project, and a dev admin API key (shown only this once):');
      out(`  ${boot.adminKey.secret}`);
    }
  }
  let url: string | undefined;
  if (app) {
    const address = await app.listen({ host: config.host, port: config.port });
    url = address.replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
    // An `ftm` command refused by the embedded data directory's lock points at this API.
    dataDirLockOf(ftm.database)?.announce(url);
    purge = setInterval(() => void ftm.idempotency.purgeExpired().catch((error: unknown) => logger.warn({ err: error }, 'idempotency purge failed')), IDEMPOTENCY_PURGE_INTERVAL_MS).unref();
  }
  const worker = mode === 'api' ? undefined : startWorker(ftm, config, undefined, workerTracing?.tracer);
  // A worker's jobs, provider calls and webhook attempts are counted in its own process: without
  // this listener no scrape sees them (ftm start serves the same registry on the API's /metrics).
  const metricsListener =
    mode === 'worker' && config.workerMetricsPort !== undefined
      ? await startWorkerMetricsListener({ ftm, metrics: defaultFtmMetrics(), authorize: scrapeAuthorizer(ftm, config.metricsToken), host: config.host, port: config.workerMetricsPort })
      : undefined;

  let stopping = false;
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    clearInterval(purge);
    let code = 0;
    try {
      await app?.close();
      await worker?.stop(DRAIN_TIMEOUT_MS);
      // Closed after the drain, so the last jobs' metrics can still be scraped while it runs.
      await metricsListener?.close();
    } catch (error) {
      logger.error({ err: error }, 'shutdown did not finish cleanly');
      code = 1;
    }
    // After the drain, so the last requests' and jobs' spans go out too; lost spans are no failure.
    await Promise.all([apiTracing, workerTracing].map((t) => t?.shutdown())).catch((error: unknown) => logger.warn({ err: error }, 'flushing traces failed'));
    await ftm.close().catch((error: unknown) => {
      logger.error({ err: error }, 'closing the adapters failed');
      code = 1;
    });
    process.exit(code);
  };
  process.once('SIGTERM', (s) => void stop(s));
  process.once('SIGINT', (s) => void stop(s));
  // Announced only once the signal handlers are in place, so a supervisor may stop us at once.
  if (url) out(`FTM API listening on ${url} (reference: ${url}/docs${consoleDir ? `, console: ${url}/console/` : ''})`);
  if (metricsListener) out(`FTM worker metrics on ${metricsListener.url}/metrics (and /healthz)`);
  if (mode === 'worker') out('FTM worker running');
}
