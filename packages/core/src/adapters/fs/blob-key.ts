import { ValidationError } from '../../shared/errors.js';

/** S3's own limit, applied everywhere so a key valid on one backend is valid on every one. */
const MAX_KEY_BYTES = 1024;
// Control characters break filesystem paths and S3 XML listings alike.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

function invalid(field: string, message: string): ValidationError {
  return new ValidationError(`invalid blob ${field}: ${message}`, [{ path: field, message }]);
}

function checkSegments(field: string, value: string, segments: readonly string[]): void {
  if (value.startsWith('/')) throw invalid(field, 'must be relative (no leading "/")');
  if (value.includes('\\')) throw invalid(field, 'must use "/" as separator (no backslashes)');
  if (CONTROL_CHARACTERS.test(value)) throw invalid(field, 'must not contain control characters');
  if (Buffer.byteLength(value, 'utf8') > MAX_KEY_BYTES) throw invalid(field, `must be at most ${MAX_KEY_BYTES} bytes`);
  for (const segment of segments) {
    if (segment === '') throw invalid(field, 'must not contain empty segments ("//")');
    if (segment === '.' || segment === '..') throw invalid(field, 'must not contain "." or ".." segments');
  }
}

/**
 * Refuses (ValidationError) a key that is not a plain `/`-separated relative path: empty, absolute,
 * with backslashes, control characters, empty/`.`/`..` segments, or longer than 1024 bytes.
 */
export function assertBlobKey(key: string): void {
  if (typeof key !== 'string' || key === '') throw invalid('key', 'must be a non-empty string');
  checkSegments('key', key, key.split('/'));
}

/** Like assertBlobKey, but allows the empty prefix and a trailing `/` (or a partial last segment). */
export function assertBlobPrefix(prefix: string): void {
  if (typeof prefix !== 'string') throw invalid('prefix', 'must be a string');
  if (prefix === '') return;
  const segments = prefix.split('/');
  // A trailing "/" leaves an empty last segment, which is how "everything under this folder" is spelled.
  if (segments.at(-1) === '') segments.pop();
  checkSegments('prefix', prefix, segments);
}

/** Orders keys the way S3 lists them: by UTF-8 bytes (UTF-16 order disagrees above U+FFFF). */
export function compareBlobKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
