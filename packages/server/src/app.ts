import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync, type FastifyReply, type onSendHookHandler } from 'fastify';
import type { Logger } from 'pino';
import type { Tracer } from '@opentelemetry/api';
import { countGateDenials, defaultFtmMetrics, GateDeniedError, uuidv7, type Ftm, type FtmMetrics } from '@ftm/core';
import type { FtmConfig } from './config.js';
import { authHook, requestIdHook } from './http/auth-hook.js';
import { registerCors } from './http/cors.js';
import { registerIdempotency } from './http/idempotency-hooks.js';
import { registerRateLimits } from './http/rate-limits.js';
import { metricsAuthHook } from './http/metrics-auth.js';
import { operatorAuthHook } from './http/operator-auth.js';
import { tenantsRoutes } from './routes/tenants/index.js';
import { problem, safeProblemFor } from './http/problem.js';
import { registerEdgeInputRules, registerJsonBodyParser } from './http/edge-input.js';
import { allowedMethodsFinder } from './http/method-not-allowed.js';
import type { RegisteredRoute } from './http/registered-route.js';
import { loadContract, type OpenApiDocument } from './contract/load-contract.js';
import { healthRoutes } from './routes/health/index.js';
import { docsRoutes } from './routes/docs/index.js';
import { modelVersionsRoutes } from './routes/model-versions/index.js';
import { projectsRoutes } from './routes/projects/index.js';
import { apiKeysRoutes } from './routes/api-keys/index.js';
import { eventsRoutes } from './routes/events/index.js';
import { uploadsRoutes } from './routes/uploads/index.js';
import { datasetsRoutes } from './routes/datasets/index.js';
import { ftJobsRoutes } from './routes/ft-jobs/index.js';
import { approvalsRoutes } from './routes/approvals/index.js';
import { providerWebhooksRoutes } from './routes/provider-webhooks/index.js';
import { evalSuitesRoutes } from './routes/eval-suites/index.js';
import { evalRunsRoutes } from './routes/eval-runs/index.js';
import { promotionsRoutes } from './routes/promotions/index.js';
import { productionPointersRoutes } from './routes/production-pointers/index.js';
import { reEvalsRoutes } from './routes/re-evals/index.js';
import { metricsRoutes } from './routes/metrics/index.js';
import { webhookEndpointsRoutes } from './routes/webhook-endpoints/index.js';
import { webhookDeliveriesRoutes } from './routes/webhook-deliveries/index.js';
import { auditEventsRoutes } from './routes/audit-events/index.js';
import { DEFAULT_OTLP_OPTIONS, otlpRoutes } from './routes/otlp/index.js';
import { providersRoutes } from './routes/providers/index.js';
import { integrationsRoutes } from './routes/integrations/index.js';
import { consoleRoutes } from './routes/console/index.js';
import './http/request-context.js';
import { lazyChildLoggerFactory } from './http/lazy-request-logger.js';

/** What {@link buildApp} needs: parsed config, the services, and the process logger. */
export interface BuildAppOptions {
  readonly config: Pick<FtmConfig, 'corsOrigins' | 'bodyLimitBytes'> & { readonly otlp?: Pick<FtmConfig['otlp'], 'pathPrefix' | 'maxBodyBytes'> } & Partial<
      Pick<FtmConfig, 'rateLimit' | 'trustProxy' | 'metricsToken' | 'operatorToken' | 'testCrashAfterCommit'>
    >;
  readonly ftm: Ftm;
  readonly logger: Logger;
  /** The OpenAPI document served at /openapi.json and /docs (default: docs/openapi.yaml). */
  readonly contract?: OpenApiDocument;
  /** Extra authenticated route plugins (other resources), registered beside the built-in ones. */
  readonly routes?: readonly FastifyPluginAsync<{ ftm: Ftm }>[];
  /** Where request latency and gate denials are counted and `/metrics` reads (default: this process's). */
  readonly metrics?: FtmMetrics;
  /** Traces each request as a SERVER span (FTM_OTEL_EXPORTER_OTLP_ENDPOINT); absent, no tracing hook is added. */
  readonly tracer?: Tracer;
  /** The built web console to serve at `/console` (`consoleAssetsDir()`); absent, no console. */
  readonly consoleDir?: string;
  /** An app-wide onSend hook that sees every response, errors and unmatched routes included (the tests check each against the contract). */
  readonly onSend?: onSendHookHandler;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route this app registered (method, Fastify URL). */
    readonly ftmRoutes: readonly RegisteredRoute[];
    /** The metrics this app records and serves at /metrics. */
    readonly ftmMetrics: FtmMetrics;
  }
}

// An upstream id is echoed only if it is short and plain, so it cannot forge log lines.
const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

/** Authenticated API routes; other engineers' resources are added through `options.routes`. */
const API_ROUTES: readonly FastifyPluginAsync<{ ftm: Ftm }>[] = [
  modelVersionsRoutes,
  projectsRoutes,
  apiKeysRoutes,
  eventsRoutes,
  uploadsRoutes,
  datasetsRoutes,
  ftJobsRoutes,
  approvalsRoutes,
  evalSuitesRoutes,
  evalRunsRoutes,
  promotionsRoutes,
  productionPointersRoutes,
  reEvalsRoutes,
  webhookEndpointsRoutes,
  webhookDeliveriesRoutes,
  auditEventsRoutes,
  providersRoutes,
  integrationsRoutes,
];

/**
 * The HTTP API: request ids, logs, CORS, problem+json errors, public probes and docs, and the
 * authenticated resources behind bearer auth and Idempotency-Key handling.
 */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { ftm, config } = options;
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // One line per request from our onResponse hook instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyChildLoggerFactory,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: trustProxyOption(config.trustProxy),
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID_RE.test(incoming) ? incoming : uuidv7();
    },
    routerOptions: { ignoreTrailingSlash: true },
    // What Fastify refuses before routing (a malformed URL) is answered like every other error:
    // problem+json with the request id, not Fastify's own body.
    frameworkErrors: (error, request, reply) => {
      const { problem: body, headers } = safeProblemFor(error, request.id);
      void (reply as FastifyReply).code(body.status).headers(headers).header('x-request-id', request.id).type('application/problem+json').send(body);
    },
  });

  // First of all, so it applies to every route, the not-found handler and the error handler.
  if (options.onSend) app.addHook('onSend', options.onSend);
  const routes: RegisteredRoute[] = [];
  app.decorate('ftmRoutes', routes);
  const metrics = options.metrics ?? defaultFtmMetrics();
  app.decorate('ftmMetrics', metrics);
  app.addHook('onRoute', (route) => {
    // HEAD mirrors GET; OPTIONS is the CORS plugin's preflight route, not an API operation.
    for (const method of [route.method].flat()) if (method !== 'HEAD' && method !== 'OPTIONS') routes.push({ method, url: route.url });
  });

  // The input rules at the edge (JSON depth, NUL and lone surrogates, unknown query parameters).
  const contract = options.contract ?? loadContract();
  registerJsonBodyParser(app);
  registerEdgeInputRules(app, contract);

  // Every response carries x-request-id. It is set by the one onRequest hook each route has (auth
  // for the API, requestIdHook for the public routes), and by the not-found and error handlers,
  // rather than by an app-wide hook of its own: on the hot path every hook is measurable
  // (bench/pointers). Hooks are callback-style for the same reason: no promise per request.

  // Loaded only when tracing is on: an app without a tracer neither loads nor runs any of it.
  if (options.tracer) (await import('./observability/request-tracing.js')).registerRequestTracing(app, options.tracer);
  const latency = latencySeries(metrics);
  app.addHook('onResponse', (request, reply, done) => {
    const { url, config: routeConfig } = request.routeOptions;
    const route = url ?? 'unmatched';
    const status = reply.statusCode;
    const ms = reply.elapsedTime;
    latency(routeConfig, route, request.method, status).observe(ms / 1000);
    const level = status >= 500 ? 'error' : 'info';
    // Pino loggers (and the lazy request logger) answer isLevelEnabled: no log object is built
    // for a line that would be dropped.
    if ((request.log as Partial<Pick<Logger, 'isLevelEnabled'>>).isLevelEnabled?.(level) ?? true) {
      request.log[level]({ method: request.method, route, status, ms: Math.round(ms) }, 'request');
    }
    done();
  });
  await registerCors(app, config.corsOrigins);

  app.setErrorHandler(async (error, request, reply) => {
    const { problem: body, headers } = safeProblemFor(error, request.id);
    reply.header('x-request-id', request.id);
    if (error instanceof GateDeniedError) countGateDenials(metrics, error.gates);
    if (body.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.debug({ code: body.code }, 'request refused');
    return reply.code(body.status).headers(headers).type('application/problem+json').send(body);
  });
  const allowedMethods = allowedMethodsFinder(routes);
  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?', 1)[0] ?? request.url;
    const allow = allowedMethods(path);
    reply.header('x-request-id', request.id).type('application/problem+json');
    if (allow.length > 0) {
      const detail = `${request.method} is not allowed on ${path}; allowed: ${allow.join(', ')}`;
      return reply
        .code(405)
        .header('allow', allow.join(', '))
        .send(problem(405, 'method_not_allowed', 'Method not allowed', detail, request.id));
    }
    return reply.code(404).send(problem(404, 'not_found', 'Not found', `no route for ${request.method} ${path}`, request.id));
  });
  // Public routes: probes, docs, provider webhooks (signed by the provider, Standard Webhooks), and
  // the console's static files (it signs in with an API key and calls the API like any client).
  await app.register(async (open) => {
    open.addHook('onRequest', requestIdHook);
    await open.register(healthRoutes, { ftm });
    await open.register(docsRoutes, { contract });
    await open.register(providerWebhooksRoutes, { ftm });
    if (options.consoleDir) await open.register(consoleRoutes, { dir: options.consoleDir });
  });
  // Operator routes: tenants, with their own credential (FTM_OPERATOR_TOKEN).
  await app.register(async (operator) => {
    operator.addHook('onRequest', operatorAuthHook(config.operatorToken));
    await operator.register(tenantsRoutes, { ftm });
  });
  // The scrape: its own credential (FTM_METRICS_TOKEN), not an API key, and no rate limit.
  await app.register(async (scrape) => {
    scrape.addHook('onRequest', metricsAuthHook(ftm, config.metricsToken));
    await scrape.register(metricsRoutes, { ftm });
  });

  // The OTLP receiver: API-key auth, OTLP's own bodies and error answers, no Idempotency-Key.
  await app.register(otlpRoutes, { ftm, options: config.otlp ?? DEFAULT_OTLP_OPTIONS });

  // From here on the resolve cache hears pointer swaps (LISTEN/NOTIFY, Redis or in-process).
  await ftm.promotions.start();
  // Rate limits (FTM_RATE_LIMIT_*) only when the config has them: an embedder's app has none unless asked.
  const limits = config.rateLimit ? await registerRateLimits(app, config.rateLimit) : undefined;
  await app.register(async (api) => {
    api.addHook('onRequest', authHook(ftm, limits));
    registerIdempotency(api, ftm, config.testCrashAfterCommit);
    for (const plugin of [...API_ROUTES, ...(options.routes ?? [])]) await api.register(plugin, { ftm });
  });

  return app;
}

/** FTM_TRUST_PROXY as Fastify takes it: a hop count becomes "trust the first n hops". */
function trustProxyOption(trust: FtmConfig['trustProxy'] | undefined): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return Array.isArray(trust) ? [...trust] : trust === true;
}

/** One latency series with its labels resolved: observing it costs no label lookup. */
interface HistogramSeries {
  observe(value: number): void;
}

const METHOD_SLOT: Readonly<Record<string, number>> = { GET: 0, POST: 1, PATCH: 2, DELETE: 3, PUT: 4, HEAD: 5, OPTIONS: 6 };

/**
 * The latency series of a (route, method, status), looked up by the route's own config object and
 * a number: the histogram's label lookup (a key string built and hashed) runs once per series,
 * not once per request.
 */
function latencySeries(metrics: FtmMetrics): (config: object | undefined, route: string, method: string, status: number) => HistogramSeries {
  const byRoute = new WeakMap<object, Map<number, HistogramSeries>>();
  return (config, route, method, status) => {
    const slot = METHOD_SLOT[method];
    // Fastify gives every route (and the not-found handler) a config object; without one, or for
    // an unusual method, the series is looked up by its labels.
    if (slot === undefined || config === undefined) return metrics.httpRequestDuration.labels({ route, method, status });
    let series = byRoute.get(config);
    if (!series) {
      series = new Map();
      byRoute.set(config, series);
    }
    let found = series.get(status * 8 + slot);
    if (!found) {
      found = metrics.httpRequestDuration.labels({ route, method, status });
      series.set(status * 8 + slot, found);
    }
    return found;
  };
}
