import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { UnrecoverableError, type JobHandler } from '@ftm/core';
import type { JobFinished } from './run-job.js';

/**
 * Wraps a queue handler so each attempt is one CONSUMER span `process <job name>` carrying the job
 * name, id, attempt and outcome. Payloads and error messages stay out of the span (they may hold
 * personal data): a failure records only its error class.
 */
export function traceJobHandler(name: string, handler: JobHandler, tracer: Tracer): JobHandler {
  return async (job, signal) => {
    const span = tracer.startSpan(`process ${name}`, {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.operation.type': 'process',
        'messaging.destination.name': name,
        'messaging.message.id': job.id,
        'ftm.job.name': name,
        'ftm.job.id': job.id,
        'ftm.job.attempt': job.attempt,
        'ftm.job.max_attempts': job.maxAttempts,
      },
    });
    let outcome: JobFinished['outcome'] = 'succeeded';
    try {
      // Active for the handler, so spans it starts nest here when a context manager is installed.
      await context.with(trace.setSpan(context.active(), span), () => handler(job, signal));
    } catch (error) {
      // toQueueHandler has already turned errors that must not be retried into UnrecoverableError.
      outcome = error instanceof UnrecoverableError ? 'unrecoverable' : 'failed';
      span.setAttribute('error.type', error instanceof Error ? error.name : 'unknown');
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.setAttribute('ftm.job.outcome', outcome);
      span.end();
    }
  };
}
