import { defaultTextMapGetter, ROOT_CONTEXT, SpanKind, SpanStatusCode, type Span, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { ATTR_ERROR_TYPE, ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServiceContext } from '@ftm/core';
import { lazyChildLoggerFactory } from '../http/lazy-request-logger.js';

/** Span attributes of ours, beside the HTTP semantic conventions. */
export const ATTR_FTM_REQUEST_ID = 'ftm.request_id';
export const ATTR_FTM_TENANT_ID = 'ftm.tenant_id';

const propagator = new W3CTraceContextPropagator();

/**
 * One SERVER span per request, named `<METHOD> <route template>` (only the method when no route
 * matched), continuing the caller's trace from a W3C `traceparent` header. The request's log
 * lines carry the span's `trace_id`. Only headers the propagator reads are looked at, and no
 * header value becomes an attribute, so credentials never reach the collector.
 *
 * Registered only when tracing is on; hooks are callback-style like the app's others.
 */
export function registerRequestTracing(app: FastifyInstance, tracer: Tracer): void {
  const spans = new WeakMap<FastifyRequest, Span>();

  const end = (request: FastifyRequest, status: number | undefined): void => {
    const span = spans.get(request);
    if (!span) return;
    spans.delete(request);
    if (status !== undefined) {
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      if (status >= 500) {
        span.setAttribute(ATTR_ERROR_TYPE, String(status));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
    } else {
      span.setAttribute(ATTR_ERROR_TYPE, 'aborted');
    }
    // Set by the auth hook on authenticated routes only.
    const tenantId = (request.ctx as ServiceContext | undefined)?.tenantId;
    if (tenantId) span.setAttribute(ATTR_FTM_TENANT_ID, tenantId);
    span.end();
  };

  app.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url;
    const parent = propagator.extract(ROOT_CONTEXT, request.headers, defaultTextMapGetter);
    const span = tracer.startSpan(
      route ? `${request.method} ${route}` : request.method,
      {
        kind: SpanKind.SERVER,
        attributes: { [ATTR_HTTP_REQUEST_METHOD]: request.method, [ATTR_FTM_REQUEST_ID]: request.id, ...(route ? { [ATTR_HTTP_ROUTE]: route } : {}) },
      },
      parent,
    );
    spans.set(request, span);
    // Still lazy: the request's pino child is made only if the request logs something.
    request.log = lazyChildLoggerFactory(request.log, { trace_id: span.spanContext().traceId }, {});
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    end(request, reply.statusCode);
    done();
  });
  // The client went away before a response: close the span rather than lose it.
  app.addHook('onRequestAbort', (request, done) => {
    end(request, undefined);
    done();
  });
}
