import type { Readable } from 'node:stream';
import type { ServiceContext } from '../shared/context.js';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors.js';
import type { BuildReport } from './build/build-report.js';
import { datasetKeyPrefix } from './dataset.js';
import type { DatasetDeps } from './dataset-deps.js';
import { findDatasetRow } from './get-dataset.js';

/** How long a presigned download URL stays valid. */
export const CONTENT_URL_TTL_SEC = 300;

/** The built file: a presigned URL to redirect to (S3), or the bytes to stream (filesystem). */
export type DatasetContent = { readonly kind: 'redirect'; readonly url: string } | { readonly kind: 'stream'; readonly body: Readable; readonly sizeBytes: number; readonly sha256: string };

/**
 * `GET /datasets/{id}/content?split=train|validation|lineage`: 409 until the dataset is `ready`.
 * `lineage` is the file of record origins (trace and span ids…) of sources that know them.
 */
export async function getDatasetContent(deps: Pick<DatasetDeps, 'db' | 'blobs'>, ctx: ServiceContext, id: string, split: unknown = 'train'): Promise<DatasetContent> {
  if (split !== 'train' && split !== 'validation' && split !== 'lineage') {
    throw new ValidationError('split must be train, validation or lineage', [{ path: 'split', message: 'train, validation or lineage' }]);
  }
  const row = await findDatasetRow(deps.db, ctx, id);
  if (row.status !== 'ready') throw new ConflictError(`dataset ${id} is ${row.status}, not ready`, 'dataset_not_ready');
  if (split === 'lineage') {
    const lineage = (row.report as Partial<BuildReport>).lineage;
    if (!lineage) throw new NotFoundError('lineage file of dataset', id);
    const key = `${datasetKeyPrefix(row)}/lineage.jsonl`;
    const url = await deps.blobs.presignGet(key, CONTENT_URL_TTL_SEC);
    if (url) return { kind: 'redirect', url };
    return { kind: 'stream', body: await deps.blobs.get(key), sizeBytes: lineage.size_bytes, sha256: lineage.sha256 };
  }
  const key = split === 'train' ? row.train_blob_key : row.validation_blob_key;
  const sha256 = split === 'train' ? row.train_sha256 : row.validation_sha256;
  const size = split === 'train' ? row.train_size_bytes : row.validation_size_bytes;
  if (!key || !sha256) throw new NotFoundError(`${split} file of dataset`, id);
  const url = await deps.blobs.presignGet(key, CONTENT_URL_TTL_SEC);
  if (url) return { kind: 'redirect', url };
  return { kind: 'stream', body: await deps.blobs.get(key), sizeBytes: size ?? 0, sha256 };
}
