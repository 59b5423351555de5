import { ApiResource, seg } from '../core/api-resource.js';
import type { ApiPromise } from '../core/api-promise.js';
import type { RequestOptions } from '../core/client-options.js';
import type { Upload } from '../generated/schemas.js';

/** JSON Lines accepted by `uploads.create`: text, bytes, a Blob or a stream (sent once, not retried). */
export type UploadBody = string | Uint8Array | Blob | ReadableStream<Uint8Array>;

/** JSONL files streamed to blob storage, used as dataset sources. */
export class Uploads extends ApiResource {
  /**
   * Uploads a JSONL file.
   * @example
   * const upload = await ftm.uploads.create(records.map((r) => JSON.stringify(r)).join('\n'));
   * await ftm.datasets.create({ name: 'faq', format: 'jsonl_chat', source: { type: 'upload', upload_id: upload.id } });
   */
  create(body: UploadBody, options?: RequestOptions): ApiPromise<Upload> {
    return this.client.request({ method: 'POST', path: '/uploads', body, contentType: 'application/x-ndjson', options });
  }

  /**
   * Fetches an upload's metadata.
   * @example const upload = await ftm.uploads.get(id);
   */
  get(id: string, options?: RequestOptions): ApiPromise<Upload> {
    return this.client.request({ method: 'GET', path: `/uploads/${seg(id)}`, options });
  }
}
