import type { ApiClient } from './api-client.js';
import type { RequestOptions } from './client-options.js';
import { PagePromise, type PageResponse } from './pagination.js';

/** Base of every resource: holds the client and builds list pages. */
export abstract class ApiResource {
  constructor(protected readonly client: ApiClient) {}

  /**
   * A PagePromise over a list endpoint; each page repeats the filters with the next cursor. A
   * `cursor` among the filters is where the first page starts (a resumed listing).
   */
  protected page<T>(path: string, query: { cursor?: string | null } | undefined, options: RequestOptions | undefined): PagePromise<T> {
    const { cursor: start, ...filters } = query ?? {};
    return new PagePromise<T>((cursor) => this.client.request<PageResponse<T>>({ method: 'GET', path, query: { ...filters, cursor: cursor ?? start ?? undefined }, options }));
  }
}

/** Percent-encodes one path segment (ids are UUIDs, but a caller may pass anything). */
export function seg(value: string): string {
  return encodeURIComponent(value);
}
