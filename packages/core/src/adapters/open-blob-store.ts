import { fileURLToPath } from 'node:url';
import type { BlobStore } from '../ports/blob-store.js';
import { ValidationError } from '../shared/errors.js';
import { FsBlobStore } from './fs/fs-blob-store.js';
import { S3BlobStore, type S3Credentials } from './s3/s3-blob-store.js';

/** Settings that travel beside FTM_STORAGE_URI (FTM_STORAGE_REGION, FTM_STORAGE_ENDPOINT…). */
export interface OpenBlobStoreOptions {
  /** S3 region; us-east-1 when omitted (S3-compatible servers ignore it). */
  readonly region?: string;
  /** S3-compatible endpoint (`http://127.0.0.1:9000`); switches to path-style URLs. */
  readonly endpoint?: string;
  readonly credentials?: S3Credentials;
}

// Bucket naming rules of S3 (3–63 lowercase letters, digits, dots, hyphens).
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function invalid(variable: string, message: string): ValidationError {
  return new ValidationError(`${variable} ${message}`, [{ path: variable, message }]);
}

function parseUri(uri: string): URL {
  try {
    return new URL(uri);
  } catch {
    throw invalid('FTM_STORAGE_URI', 'must be s3://bucket/prefix or file:///path');
  }
}

function fsRoot(uri: string, url: URL): string {
  // `file:relative/dir` (no slashes after the scheme) stays relative to the working directory.
  if (!uri.startsWith('file://')) {
    const path = decodeURIComponent(uri.slice('file:'.length));
    if (path === '') throw invalid('FTM_STORAGE_URI', 'file: needs a path');
    return path;
  }
  if (url.host !== '' && url.host !== 'localhost') {
    throw invalid('FTM_STORAGE_URI', 'file:// URIs must name a local path (file:///abs/path)');
  }
  return fileURLToPath(url);
}

function checkEndpoint(endpoint: string | undefined): void {
  if (endpoint === undefined) return;
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw invalid('FTM_STORAGE_ENDPOINT', 'must be an http(s) URL');
  }
}

/**
 * Opens the blob store an FTM_STORAGE_URI names: `file:///abs/path` or `file:rel/path` → FsBlobStore,
 * `s3://bucket/prefix` → S3BlobStore; anything else is a ValidationError naming FTM_STORAGE_URI.
 */
export function openBlobStore(uri: string, options: OpenBlobStoreOptions = {}): BlobStore {
  const url = parseUri(uri);
  if (url.protocol === 'file:') return new FsBlobStore({ root: fsRoot(uri, url) });
  if (url.protocol !== 's3:') throw invalid('FTM_STORAGE_URI', 'must be s3://bucket/prefix or file:///path');
  // Read from the raw text: URL parsing would silently resolve `..` segments in the prefix.
  const raw = /^s3:\/\/([^/?#]*)([^?#]*)$/i.exec(uri);
  if (!raw) throw invalid('FTM_STORAGE_URI', 'must not carry a query or fragment (s3://bucket/prefix)');
  const bucket = raw[1] ?? '';
  if (!BUCKET_NAME.test(bucket)) throw invalid('FTM_STORAGE_URI', 'must name a valid S3 bucket (s3://bucket/prefix)');
  checkEndpoint(options.endpoint);
  let prefix: string;
  try {
    prefix = decodeURIComponent(raw[2] ?? '');
  } catch {
    throw invalid('FTM_STORAGE_URI', 'has a badly encoded prefix');
  }
  try {
    return new S3BlobStore({
      bucket,
      prefix,
      region: options.region ?? 'us-east-1',
      ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
      ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
    });
  } catch (error) {
    if (error instanceof ValidationError) throw invalid('FTM_STORAGE_URI', `has an invalid prefix: ${error.message}`);
    throw error;
  }
}
