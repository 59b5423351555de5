import { ApiResource, seg } from '../core/api-resource.js';
import type { ApiPromise } from '../core/api-promise.js';
import type { RequestOptions } from '../core/client-options.js';
import type { PagePromise } from '../core/pagination.js';
import type { ListParams } from '../core/operation-types.js';
import type { CreateEvalSuiteRequest, CreateEvalSuiteVersionRequest, EvalCase, EvalSuite } from '../generated/schemas.js';

/** Eval suites: immutable versions of cases and graders. */
export class EvalSuites extends ApiResource {
  /**
   * Creates a suite (version 1).
   * @example
   * const suite = await ftm.evalSuites.create({
   *   name: 'faq',
   *   cases: { type: 'inline', cases: [{ input: { messages: [{ role: 'user', content: 'Opening hours?' }] }, expected_output: '9 to 5' }] },
   *   graders: [{ type: 'exact_match' }], // `weight` defaults to 1
   *   pass_threshold: 0.8,
   * });
   */
  create(body: CreateEvalSuiteRequest, options?: RequestOptions): ApiPromise<EvalSuite> {
    return this.client.request({ method: 'POST', path: '/eval-suites', body, options });
  }

  /**
   * Lists suites.
   * @example for await (const s of ftm.evalSuites.list({ name: 'faq' })) console.log(s.version);
   */
  list(params?: ListParams<'listEvalSuites'>, options?: RequestOptions): PagePromise<EvalSuite> {
    return this.page('/eval-suites', params, options);
  }

  /**
   * Fetches one suite version.
   * @example const suite = await ftm.evalSuites.get(id);
   */
  get(id: string, options?: RequestOptions): ApiPromise<EvalSuite> {
    return this.client.request({ method: 'GET', path: `/eval-suites/${seg(id)}`, options });
  }

  /**
   * Creates the next immutable version of a suite.
   * @example const v2 = await ftm.evalSuites.createVersion(id, { graders: [{ type: 'contains', values: ['refund'] }] });
   */
  createVersion(id: string, body: CreateEvalSuiteVersionRequest, options?: RequestOptions): ApiPromise<EvalSuite> {
    return this.client.request({ method: 'POST', path: `/eval-suites/${seg(id)}/versions`, body, options });
  }

  /**
   * Lists a suite version's cases.
   * @example for await (const c of ftm.evalSuites.listCases(id)) console.log(c.id);
   */
  listCases(id: string, params?: ListParams<'listEvalSuiteCases'>, options?: RequestOptions): PagePromise<EvalCase> {
    return this.page(`/eval-suites/${seg(id)}/cases`, params, options);
  }
}
