import { ApiResource, seg } from '../core/api-resource.js';
import type { ApiPromise } from '../core/api-promise.js';
import type { RequestOptions } from '../core/client-options.js';
import type { PagePromise } from '../core/pagination.js';
import type { ListParams, QueryParams } from '../core/operation-types.js';
import { pollUntil, type WaitOptions } from '../core/wait.js';
import type { CreateDatasetRequest, Dataset, DatasetStatus } from '../generated/schemas.js';

const terminal = ['ready', 'blocked', 'failed'] as const satisfies readonly DatasetStatus[];
/** A status after which a dataset no longer changes. */
export type DatasetTerminalStatus = (typeof terminal)[number];
/** Statuses after which a dataset no longer changes. */
export const DATASET_TERMINAL_STATUSES: readonly DatasetStatus[] = terminal;

/** Training datasets built from traces, uploads or inline records. */
export class Datasets extends ApiResource {
  /**
   * Starts building a dataset.
   * @example
   * const ds = await ftm.datasets.create({ name: 'faq', format: 'jsonl_chat',
   *   source: { type: 'inline', records: [{ messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }] }] } });
   */
  create(body: CreateDatasetRequest, options?: RequestOptions): ApiPromise<Dataset> {
    return this.client.request({ method: 'POST', path: '/datasets', body, options });
  }

  /**
   * Lists datasets.
   * @example for await (const ds of ftm.datasets.list({ status: 'ready' })) console.log(ds.name);
   */
  list(params?: ListParams<'listDatasets'>, options?: RequestOptions): PagePromise<Dataset> {
    return this.page('/datasets', params, options);
  }

  /**
   * Fetches one dataset.
   * @example const ds = await ftm.datasets.get(id);
   */
  get(id: string, options?: RequestOptions): ApiPromise<Dataset> {
    return this.client.request({ method: 'GET', path: `/datasets/${seg(id)}`, options });
  }

  /**
   * Builds a new version from the same source and config.
   * @example const next = await ftm.datasets.rebuild(id);
   */
  rebuild(id: string, options?: RequestOptions): ApiPromise<Dataset> {
    return this.client.request({ method: 'POST', path: `/datasets/${seg(id)}/rebuild`, options });
  }

  /**
   * Downloads the built JSONL as a streaming Response (read `body` as a stream, or `text()`).
   * @example
   * const res = await ftm.datasets.content(id, { split: 'train' });
   * const lines = (await res.text()).split('\n').filter(Boolean).length;
   */
  content(id: string, params?: QueryParams<'getDatasetContent'>, options?: RequestOptions): ApiPromise<Response> {
    return this.client.raw({ method: 'GET', path: `/datasets/${seg(id)}/content`, query: params, accept: 'application/x-ndjson', options });
  }

  /**
   * Polls until the dataset is `ready`, `blocked` or `failed`, and returns it.
   * @example const ds = await ftm.datasets.waitUntilDone(id, { timeoutMs: 10 * 60_000 });
   */
  waitUntilDone(id: string, options?: WaitOptions): Promise<Dataset> {
    return pollUntil(
      (signal) => this.get(id, { signal }),
      (ds) => DATASET_TERMINAL_STATUSES.includes(ds.status),
      options,
    );
  }
}
