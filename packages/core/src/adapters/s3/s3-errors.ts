import { DependencyUnavailableError, FtmError } from '../../shared/errors.js';

/** Failures below HTTP: the SDK retried these (maxAttempts) before giving up. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET']);

interface SdkErrorShape {
  readonly name?: string;
  readonly code?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

function shape(error: unknown): SdkErrorShape {
  return typeof error === 'object' && error !== null ? (error as SdkErrorShape) : {};
}

/** True when S3 says the object is absent (GetObject's NoSuchKey, HeadObject's bare 404). */
export function isS3NotFound(error: unknown): boolean {
  const { name, $metadata } = shape(error);
  if (name === 'NoSuchKey' || name === 'NotFound') return true;
  // A missing bucket is a broken deployment, not a missing object.
  return name !== 'NoSuchBucket' && $metadata?.httpStatusCode === 404;
}

/**
 * Maps an SDK failure to DependencyUnavailableError('s3'): every S3 service error and every
 * network or timeout failure. Domain errors and programming errors pass through unchanged.
 */
export function toS3Error(error: unknown, operation: string): unknown {
  if (error instanceof FtmError) return error;
  const { name, code, $metadata } = shape(error);
  const serviceError = $metadata !== undefined && name !== undefined;
  const networkError = (code !== undefined && NETWORK_CODES.has(code)) || name === 'TimeoutError' || name === 'AbortError';
  if (!serviceError && !networkError) return error;
  // Only the error's name reaches the message: SDK messages can echo request details.
  const status = $metadata?.httpStatusCode;
  const reason = networkError ? (code ?? name) : `${name}${status ? ` HTTP ${status}` : ''}`;
  return new DependencyUnavailableError('s3', `s3 ${operation} failed (${reason})`, { cause: error });
}
