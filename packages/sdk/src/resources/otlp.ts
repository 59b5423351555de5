import { ApiResource } from '../core/api-resource.js';
import type { ApiPromise } from '../core/api-promise.js';
import type { RequestOptions } from '../core/client-options.js';
import type { OtlpExportTraceServiceRequest, OtlpExportTraceServiceResponse } from '../generated/schemas.js';

/**
 * FTM's OTLP/HTTP trace receiver. Apps normally reach it through an OpenTelemetry exporter
 * (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=<FTM URL>/otlp/v1/traces`); this sends one OTLP/JSON
 * export request yourself, e.g. to replay spans saved elsewhere.
 */
export class Otlp extends ApiResource {
  /**
   * Sends an OTLP/JSON `ExportTraceServiceRequest`; GenAI inference spans are stored for
   * `otel_spans` datasets. `partialSuccess` counts the inference spans refused, and says why.
   * @example
   * const { partialSuccess } = await ftm.otlp.exportTraces({ resourceSpans: [] });
   * if (partialSuccess) console.warn(partialSuccess.errorMessage);
   */
  exportTraces(body: OtlpExportTraceServiceRequest, options?: RequestOptions): ApiPromise<OtlpExportTraceServiceResponse> {
    return this.client.request({ method: 'POST', path: '/otlp/v1/traces', body, options });
  }
}
