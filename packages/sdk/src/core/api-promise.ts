import { requestIdOf, withRequestId, type WithRequestId } from './request-id.js';

/** What `.withResponse()` resolves to: the parsed result, the raw response and its request id. */
export interface ApiResponse<T> {
  readonly data: WithRequestId<T>;
  readonly response: Response;
  /** `X-Request-Id` of the response; quote it when reporting a problem. */
  readonly requestId: string | undefined;
}

/**
 * What every SDK method returns: a promise of the parsed result (with `requestId`), plus
 * `.withResponse()` for the raw `Response` alongside it and `.asResponse()` for the raw response
 * alone, its body unread. The request starts when the method is called.
 * @example
 * const job = await ftm.ftJobs.get(id);                                // FtJob (job.requestId too)
 * const { data, response, requestId } = await ftm.ftJobs.get(id).withResponse();
 * const raw = await ftm.ftJobs.get(id).asResponse();                 // Response, body unread
 */
export class ApiPromise<T> implements Promise<WithRequestId<T>> {
  private parsed: Promise<ApiResponse<T>> | undefined;

  constructor(
    private readonly responsePromise: Promise<Response>,
    private readonly parse: (response: Response) => T | Promise<T>,
  ) {}

  readonly [Symbol.toStringTag] = 'ApiPromise';

  /**
   * The raw response with its body unread (do not also await the promise: the body reads once).
   * @example
   * const response = await ftm.datasets.get(id).asResponse();
   * console.log(response.status, response.headers.get('etag'));
   */
  asResponse(): Promise<Response> {
    return this.responsePromise;
  }

  /**
   * The parsed result together with the raw response and its request id.
   * @example
   * const { data: project, response } = await ftm.projects.create({ name: 'support' }, { idempotencyKey: 'p1' }).withResponse();
   * console.log(project.id, response.headers.get('idempotent-replayed'));
   */
  withResponse(): Promise<ApiResponse<T>> {
    this.parsed ??= this.responsePromise.then(async (response) => {
      const requestId = requestIdOf(response);
      return { data: withRequestId(await this.parse(response), requestId), response, requestId };
    });
    return this.parsed;
  }

  /**
   * Resolves to the parsed result.
   * @example
   * ftm.ftJobs.get(id).then((job) => console.log(job.status));
   */
  then<R1 = WithRequestId<T>, R2 = never>(onfulfilled?: ((value: WithRequestId<T>) => R1 | PromiseLike<R1>) | null, onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null): Promise<R1 | R2> {
    return this.withResponse()
      .then((r) => r.data)
      .then(onfulfilled, onrejected);
  }

  /**
   * Same as Promise.prototype.catch.
   * @example
   * const job = await ftm.ftJobs.get(id).catch(() => undefined);
   */
  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<WithRequestId<T> | R> {
    return this.then(undefined, onrejected);
  }

  /**
   * Same as Promise.prototype.finally.
   * @example
   * await ftm.ftJobs.get(id).finally(() => spinner.stop());
   */
  finally(onfinally?: (() => void) | null): Promise<WithRequestId<T>> {
    return this.then().finally(onfinally);
  }
}
