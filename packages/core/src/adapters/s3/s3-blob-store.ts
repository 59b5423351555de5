import type { S3Client } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import type { BlobBody, BlobInfo, BlobPutOptions, BlobStore } from '../../ports/blob-store.js';
import { NotFoundError, ValidationError } from '../../shared/errors.js';
import { assertBlobKey, assertBlobPrefix, compareBlobKeys } from '../fs/blob-key.js';
import { digestOf, meterBody } from '../fs/metered-body.js';
import { lazyRequire } from '../../shared/lazy-require.js';
import { isS3NotFound, toS3Error } from './s3-errors.js';

// The AWS SDK loads only when an S3 store is opened (see lazyRequire).
const s3 = lazyRequire<typeof import('@aws-sdk/client-s3')>('@aws-sdk/client-s3');
const storage = lazyRequire<typeof import('@aws-sdk/lib-storage')>('@aws-sdk/lib-storage');
const presigner = lazyRequire<typeof import('@aws-sdk/s3-request-presigner')>('@aws-sdk/s3-request-presigner');

/** Static S3 credentials; omit them to use the SDK's default provider chain (env, profile, IAM role). */
export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Where and how an S3BlobStore talks to S3 (or an S3-compatible server such as MinIO). */
export interface S3BlobStoreOptions {
  readonly bucket: string;
  /** Folder inside the bucket every key lives under (`ftm` or `ftm/`); none by default. */
  readonly prefix?: string;
  readonly region: string;
  /** For S3-compatible servers (`http://minio:9000`). */
  readonly endpoint?: string;
  /** Path-style URLs; defaults to true when an endpoint is given, as S3-compatible servers expect. */
  readonly forcePathStyle?: boolean;
  readonly credentials?: S3Credentials;
  /** TCP connect timeout per attempt (default 5 s). */
  readonly connectionTimeoutMs?: number;
  /** Time until response headers per attempt (default 60 s); also the idle limit while streaming. */
  readonly requestTimeoutMs?: number;
  /** Attempts per call, the first included (default 3). */
  readonly maxAttempts?: number;
  /** Part size of streamed multipart puts (default and minimum 5 MiB). */
  readonly partSizeBytes?: number;
  /** A preconfigured client; it must use `WHEN_REQUIRED` checksums. Not destroyed by close(). */
  readonly client?: S3Client;
}

const MIN_PART_SIZE = 5 * 1024 * 1024;
/** S3's limit for presigned URLs (SigV4): seven days. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

function normalisePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return '';
  assertBlobPrefix(`${trimmed}/`);
  return `${trimmed}/`;
}

/** Builds the SDK client FTM needs: timeouts, bounded retries, checksums only when required. */
function createClient(options: S3BlobStoreOptions): S3Client {
  return new (s3().S3Client)({
    region: options.region,
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
    credentials: options.credentials,
    maxAttempts: options.maxAttempts ?? 3,
    // The default (WHEN_SUPPORTED) frames streamed bodies with trailing checksums that
    // S3-compatible servers store verbatim, corrupting the object.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: {
      connectionTimeout: options.connectionTimeoutMs ?? 5_000,
      requestTimeout: options.requestTimeoutMs ?? 60_000,
      throwOnRequestTimeout: true,
      socketTimeout: options.requestTimeoutMs ?? 60_000,
    },
  });
}

/**
 * BlobStore on S3 or an S3-compatible server. Streamed puts go through a multipart upload that
 * is aborted on any failure, so an object only ever appears whole.
 */
export class S3BlobStore implements BlobStore {
  readonly bucket: string;
  /** Normalised key prefix inside the bucket: '' or ending with '/'. */
  readonly prefix: string;
  private readonly client: S3Client;
  private readonly ownsClient: boolean;
  private readonly partSize: number;

  constructor(options: S3BlobStoreOptions) {
    if (!options.bucket) throw new ValidationError('S3 bucket is required', [{ path: 'bucket', message: 'required' }]);
    this.bucket = options.bucket;
    this.prefix = normalisePrefix(options.prefix);
    this.client = options.client ?? createClient(options);
    this.ownsClient = options.client === undefined;
    this.partSize = Math.max(MIN_PART_SIZE, options.partSizeBytes ?? MIN_PART_SIZE);
  }

  async put(key: string, body: BlobBody, options: BlobPutOptions = {}): Promise<BlobInfo> {
    const Key = this.objectKey(key);
    const metered = meterBody(body, options.maxBytes);
    if (metered.knownBytes !== undefined) {
      const bytes = metered.knownBytes;
      await this.send('put', () =>
        this.client.send(
          new (s3().PutObjectCommand)({
            Bucket: this.bucket,
            Key,
            Body: bytes,
            ContentLength: bytes.byteLength,
            ContentType: options.contentType,
          }),
        ),
      );
      return { key, ...digestOf(bytes) };
    }
    await this.putStream(Key, metered.chunks, options.contentType);
    return { key, ...metered.digest() };
  }

  async get(key: string): Promise<Readable> {
    const Key = this.objectKey(key);
    let body: unknown;
    try {
      ({ Body: body } = await this.client.send(new (s3().GetObjectCommand)({ Bucket: this.bucket, Key })));
    } catch (error) {
      if (isS3NotFound(error)) throw new NotFoundError('blob', key);
      throw toS3Error(error, 'get');
    }
    // In Node the SDK answers with the IncomingMessage itself.
    if (!(body instanceof Readable)) throw new Error('S3 GetObject returned no Node stream');
    return body;
  }

  async head(key: string): Promise<{ readonly sizeBytes: number; readonly contentType?: string } | null> {
    const Key = this.objectKey(key);
    try {
      const head = await this.client.send(new (s3().HeadObjectCommand)({ Bucket: this.bucket, Key }));
      return { sizeBytes: head.ContentLength ?? 0, ...(head.ContentType ? { contentType: head.ContentType } : {}) };
    } catch (error) {
      if (isS3NotFound(error)) return null;
      throw toS3Error(error, 'head');
    }
  }

  async delete(key: string): Promise<void> {
    const Key = this.objectKey(key);
    await this.send('delete', () => this.client.send(new (s3().DeleteObjectCommand)({ Bucket: this.bucket, Key })));
  }

  async *list(prefix: string): AsyncIterable<string> {
    assertBlobPrefix(prefix);
    const pages = s3().paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: this.prefix + prefix });
    try {
      for await (const page of pages) {
        // S3 pages are already in UTF-8 byte order; some S3-compatible servers (s3rver) walk
        // folders instead, so each page is put in order here at no cost on real S3.
        const keys = (page.Contents ?? []).flatMap((object) => (object.Key === undefined ? [] : [object.Key]));
        keys.sort(compareBlobKeys);
        for (const key of keys) yield key.slice(this.prefix.length);
      }
    } catch (error) {
      throw toS3Error(error, 'list');
    }
  }

  async presignGet(key: string, expiresInSec: number): Promise<string> {
    const Key = this.objectKey(key);
    if (!Number.isInteger(expiresInSec) || expiresInSec < 1 || expiresInSec > MAX_PRESIGN_SECONDS) {
      throw new ValidationError(`expiresInSec must be an integer from 1 to ${MAX_PRESIGN_SECONDS}`, [{ path: 'expiresInSec', message: `must be an integer from 1 to ${MAX_PRESIGN_SECONDS}` }]);
    }
    return this.send('presign', () => presigner().getSignedUrl(this.client, new (s3().GetObjectCommand)({ Bucket: this.bucket, Key }), { expiresIn: expiresInSec }));
  }

  async check(): Promise<void> {
    await this.send('check', () => this.client.send(new (s3().HeadBucketCommand)({ Bucket: this.bucket })));
  }

  async close(): Promise<void> {
    if (this.ownsClient) this.client.destroy();
  }

  private objectKey(key: string): string {
    assertBlobKey(key);
    return this.prefix + key;
  }

  private async send<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw toS3Error(error, operation);
    }
  }

  private async putStream(Key: string, chunks: AsyncIterable<Uint8Array>, contentType: string | undefined): Promise<void> {
    // The caller's error (a broken stream, PayloadTooLargeError) wins over whatever the abort raises.
    let bodyError: unknown;
    const source = Readable.from(
      (async function* guarded() {
        try {
          yield* chunks;
        } catch (error) {
          bodyError = error;
          throw error;
        }
      })(),
    );
    const upload = new (storage().Upload)({
      client: this.client,
      params: { Bucket: this.bucket, Key, Body: source, ContentType: contentType },
      partSize: this.partSize,
      queueSize: 2,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      if (bodyError !== undefined) throw bodyError;
      throw toS3Error(error, 'put');
    } finally {
      source.destroy();
    }
  }
}
