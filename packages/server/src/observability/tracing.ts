import { diag, DiagLogLevel, type DiagLogFunction, type Tracer } from '@opentelemetry/api';
import type { Logger } from 'pino';
import serverPackage from '../../package.json' with { type: 'json' };

/** The `service.name` of each FTM process role. */
export type TracedService = 'ftm-api' | 'ftm-worker';

/** Where and as whom spans are exported. */
export interface TracingOptions {
  /** OTLP/HTTP base URL (FTM_OTEL_EXPORTER_OTLP_ENDPOINT); unset means no tracing at all. */
  readonly endpoint: string | undefined;
  readonly serviceName: TracedService;
  /** `service.version` (default: this package's version). */
  readonly serviceVersion?: string;
  /** How long one export request may take before it is given up (default 10 s). */
  readonly exportTimeoutMs?: number;
}

/** A running tracer provider that exports over OTLP/HTTP JSON. */
export interface Tracing {
  readonly tracer: Tracer;
  /** Exports every span ended so far. */
  forceFlush(): Promise<void>;
  /** Exports what is pending, then stops; spans started afterwards are dropped. */
  shutdown(): Promise<void>;
}

/**
 * The traces URL for an OTLP base endpoint, as the standard OTEL_EXPORTER_OTLP_ENDPOINT does it:
 * `/v1/traces` appended to the endpoint's path (`http://c:4318` → `http://c:4318/v1/traces`,
 * `http://c/otel/` → `http://c/otel/v1/traces`).
 */
export function otlpTracesUrl(endpoint: string): string {
  const url = new URL(endpoint);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/traces`;
  return url.toString();
}

/**
 * Starts exporting spans when an endpoint is configured; returns undefined otherwise, so callers
 * install no hook and pay nothing per request. The SDK is loaded only then (it adds a few hundred
 * ms to a cold start). The provider is not registered globally: the tracer is handed to the app
 * and the worker, which are the only span producers.
 */
export async function startTracing(options: TracingOptions): Promise<Tracing | undefined> {
  if (!options.endpoint) return undefined;
  const [{ OTLPTraceExporter }, { defaultResource, resourceFromAttributes }, { BasicTracerProvider, BatchSpanProcessor }, { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION }] = await Promise.all([
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/semantic-conventions'),
  ]);
  const exporter = new OTLPTraceExporter({
    url: otlpTracesUrl(options.endpoint),
    timeoutMillis: options.exportTimeoutMs ?? 10_000,
  });
  const resource = defaultResource().merge(
    resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName,
      [ATTR_SERVICE_VERSION]: options.serviceVersion ?? serverPackage.version,
    }),
  );
  // Batched off the request path: ending a span only queues it.
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(exporter)] });
  return {
    tracer: provider.getTracer('@ftm/server', serverPackage.version),
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

/**
 * Sends the SDK's own warnings and errors (an unreachable collector, dropped spans) to the process
 * log instead of nowhere, as warnings: losing spans does not fail the service. Only the message:
 * the SDK's extra arguments may carry exporter configuration.
 */
export function logTracingDiagnostics(logger: Logger): void {
  const warn: DiagLogFunction = (message) => logger.warn({ detail: diagnosticText(message) }, 'tracing: span export problem');
  const silent: DiagLogFunction = () => {};
  diag.setLogger({ error: warn, warn, info: silent, debug: silent, verbose: silent }, DiagLogLevel.WARN);
}

/** The SDK reports an export error as its JSON (stack included): keep its message. */
function diagnosticText(message: string): string {
  try {
    const parsed: unknown = JSON.parse(message);
    if (parsed && typeof parsed === 'object' && 'message' in parsed && typeof parsed.message === 'string') return parsed.message;
  } catch {
    // Plain text.
  }
  return message.slice(0, 500);
}
