import type { ApiPromise, ApiResponse } from './api-promise.js';
import { requestIdOf } from './request-id.js';
import { FtmError } from './errors.js';

/** The wire shape of every list endpoint. */
export interface PageResponse<T> {
  readonly data: readonly T[];
  readonly next_cursor?: string | null;
}

/** Fetches one page given a cursor (undefined for the first). */
export type PageFetcher<T> = (cursor: string | undefined) => ApiPromise<PageResponse<T>>;

/**
 * One page of a list, able to fetch the next one; iterating it walks every following page.
 * @example
 * let page = await ftm.datasets.list({ limit: 50 });
 * while (page.hasNextPage()) page = await page.getNextPage();
 */
export class Page<T> implements AsyncIterable<T> {
  readonly data: readonly T[];
  readonly nextCursor: string | null;
  /** `X-Request-Id` of the response this page came from. */
  readonly requestId: string | undefined;

  constructor(
    private readonly fetchPage: PageFetcher<T>,
    response: PageResponse<T>,
    requestId?: string,
  ) {
    this.data = response.data;
    this.nextCursor = response.next_cursor ?? null;
    this.requestId = requestId;
  }

  /**
   * True when the server returned a cursor for another page.
   * @example
   * const page = await ftm.datasets.list();
   * if (page.hasNextPage()) console.log('more after', page.nextCursor);
   */
  hasNextPage(): boolean {
    return this.nextCursor !== null && this.nextCursor !== '';
  }

  /**
   * Fetches the page after this one.
   * @example
   * const second = await (await ftm.modelVersions.list()).getNextPage();
   */
  async getNextPage(): Promise<Page<T>> {
    if (!this.hasNextPage()) throw new FtmError('No next page; check hasNextPage() first.');
    const { data, requestId } = await this.fetchPage(this.nextCursor ?? undefined).withResponse();
    return new Page(this.fetchPage, data, requestId);
  }

  /**
   * Yields this page and every following one.
   * @example
   * for await (const page of (await ftm.auditEvents.list({ limit: 200 })).iterPages()) console.log(page.data.length);
   */
  async *iterPages(): AsyncGenerator<Page<T>> {
    let page: Page<T> = this;
    yield page;
    while (page.hasNextPage()) {
      page = await page.getNextPage();
      yield page;
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for await (const page of this.iterPages()) yield* page.data;
  }
}

/**
 * What list methods return: await it for the first page, or `for await` over every item across
 * pages. The request starts on first use, so an unused list call costs nothing.
 * `.withResponse()` and `.asResponse()` give the first page's raw response.
 * @example
 * for await (const v of ftm.modelVersions.list({ status: 'candidate' })) console.log(v.id);
 */
export class PagePromise<T> implements PromiseLike<Page<T>>, AsyncIterable<T> {
  private request: ApiPromise<PageResponse<T>> | undefined;
  private first: Promise<ApiResponse<Page<T>>> | undefined;

  constructor(private readonly fetchPage: PageFetcher<T>) {}

  private send(): ApiPromise<PageResponse<T>> {
    this.request ??= this.fetchPage(undefined);
    return this.request;
  }

  private load(): Promise<ApiResponse<Page<T>>> {
    this.first ??= this.send()
      .withResponse()
      .then(({ data, response }) => {
        const requestId = requestIdOf(response);
        return { data: new Page(this.fetchPage, data, requestId), response, requestId };
      });
    return this.first;
  }

  /**
   * The first page's raw response, body unread (do not also await the list: the body reads once).
   * @example
   * const response = await ftm.datasets.list({ limit: 1 }).asResponse();
   */
  asResponse(): Promise<Response> {
    return this.send().asResponse();
  }

  /**
   * The first page with its raw response and request id.
   * @example
   * const { data: page, requestId } = await ftm.datasets.list().withResponse();
   */
  withResponse(): Promise<ApiResponse<Page<T>>> {
    return this.load();
  }

  /**
   * Resolves to the first page.
   * @example
   * const { data, nextCursor } = await ftm.modelVersions.list({ limit: 10 });
   */
  then<R1 = Page<T>, R2 = never>(onfulfilled?: ((value: Page<T>) => R1 | PromiseLike<R1>) | null, onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null): Promise<R1 | R2> {
    return this.load()
      .then((r) => r.data)
      .then(onfulfilled, onrejected);
  }

  /**
   * Same as Promise.prototype.catch on the first page.
   * @example
   * const page = await ftm.ftJobs.list().catch(() => undefined);
   */
  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<Page<T> | R> {
    return this.then(undefined, onrejected);
  }

  /**
   * Same as Promise.prototype.finally on the first page.
   * @example
   * await ftm.ftJobs.list().finally(() => spinner.stop());
   */
  finally(onfinally?: (() => void) | null): Promise<Page<T>> {
    return this.then().finally(onfinally);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    yield* (await this.load()).data;
  }
}
