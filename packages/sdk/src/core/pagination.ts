import { FtmError } from './errors.js';

/** The wire shape of every list endpoint. */
export interface PageResponse<T> {
  readonly data: readonly T[];
  readonly next_cursor?: string | null;
}

/** Fetches one page given a cursor (undefined for the first). */
export type PageFetcher<T> = (cursor: string | undefined) => Promise<PageResponse<T>>;

/**
 * One page of a list, able to fetch the next one; iterating it walks every following page.
 * @example
 * let page = await ftm.datasets.list({ limit: 50 });
 * while (page.hasNextPage()) page = await page.getNextPage();
 */
export class Page<T> implements AsyncIterable<T> {
  readonly data: readonly T[];
  readonly nextCursor: string | null;

  constructor(
    private readonly fetchPage: PageFetcher<T>,
    response: PageResponse<T>,
  ) {
    this.data = response.data;
    this.nextCursor = response.next_cursor ?? null;
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
    return new Page(this.fetchPage, await this.fetchPage(this.nextCursor ?? undefined));
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
 * @example
 * for await (const v of ftm.modelVersions.list({ status: 'candidate' })) console.log(v.id);
 */
export class PagePromise<T> implements PromiseLike<Page<T>>, AsyncIterable<T> {
  private first: Promise<Page<T>> | undefined;

  constructor(private readonly fetchPage: PageFetcher<T>) {}

  private load(): Promise<Page<T>> {
    this.first ??= this.fetchPage(undefined).then((response) => new Page(this.fetchPage, response));
    return this.first;
  }

  /**
   * Resolves to the first page.
   * @example
   * const { data, nextCursor } = await ftm.modelVersions.list({ limit: 10 });
   */
  then<R1 = Page<T>, R2 = never>(
    onfulfilled?: ((value: Page<T>) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.load().then(onfulfilled, onrejected);
  }

  /**
   * Same as Promise.prototype.catch on the first page.
   * @example
   * const page = await ftm.ftJobs.list().catch(() => undefined);
   */
  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<Page<T> | R> {
    return this.load().catch(onrejected);
  }

  /**
   * Same as Promise.prototype.finally on the first page.
   * @example
   * await ftm.ftJobs.list().finally(() => spinner.stop());
   */
  finally(onfinally?: (() => void) | null): Promise<Page<T>> {
    return this.load().finally(onfinally);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    yield* await this.load();
  }
}
