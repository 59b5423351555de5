import { ApiResource } from '../core/api-resource.js';
import type { ApiPromise } from '../core/api-promise.js';
import type { RequestOptions } from '../core/client-options.js';
import type { Health, Readiness } from '../generated/schemas.js';

/** Health, readiness, metrics and the contract itself. */
export class System extends ApiResource {
  /**
   * Liveness probe.
   * @example const { status } = await ftm.system.health();
   */
  health(options?: RequestOptions): ApiPromise<Health> {
    return this.client.request({ method: 'GET', path: '/healthz', options });
  }

  /**
   * Readiness: database, queue and storage checks.
   * @example const ready = await ftm.system.readiness();
   */
  readiness(options?: RequestOptions): ApiPromise<Readiness> {
    return this.client.request({ method: 'GET', path: '/readyz', options });
  }

  /**
   * Prometheus metrics in the text exposition format.
   * @example console.log(await ftm.system.metrics());
   */
  metrics(options?: RequestOptions): ApiPromise<string> {
    return this.client.request({ method: 'GET', path: '/metrics', accept: 'text/plain', options });
  }

  /**
   * The OpenAPI document the server implements.
   * @example const spec = await ftm.system.openApiDocument();
   */
  openApiDocument(options?: RequestOptions): ApiPromise<Record<string, unknown>> {
    return this.client.request({ method: 'GET', path: '/openapi.json', options });
  }

  /**
   * The HTML API reference page.
   * @example const html = await ftm.system.apiReference();
   */
  apiReference(options?: RequestOptions): ApiPromise<string> {
    return this.client.request({ method: 'GET', path: '/docs', accept: 'text/html', options });
  }
}
