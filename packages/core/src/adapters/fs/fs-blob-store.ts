import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, readdir, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { BlobBody, BlobInfo, BlobPutOptions, BlobStore } from '../../ports/blob-store.js';
import { ConflictError, DependencyUnavailableError, FtmError, NotFoundError, ValidationError } from '../../shared/errors.js';
import { assertBlobKey, assertBlobPrefix, compareBlobKeys } from './blob-key.js';
import { meterBody } from './metered-body.js';

/** Where an FsBlobStore keeps its objects. */
export interface FsBlobStoreOptions {
  /** Root directory: a path (relative to the working directory) or a `file:` URL. */
  readonly root: string | URL;
}

/** Bytes per read of a blob: less CPU than Node's 64 KB default on large uploads (docs/datasets.md, "Tuning constants"). */
const READ_CHUNK_BYTES = 256 * 1024;

/** Holds in-flight puts; inside the root so the final rename stays on one filesystem (atomic). */
const TEMP_DIR = '.ftm-tmp';

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

/** Turns filesystem failures into domain errors; anything unexpected passes through as a bug. */
function mapFsError(error: unknown): unknown {
  if (error instanceof FtmError) return error;
  switch (errorCode(error)) {
    case 'ENOTDIR':
    case 'EISDIR':
    case 'EEXIST':
      return new ConflictError('blob key collides with another key: on the filesystem a key cannot be both an object and a folder', 'blob_key_conflict');
    case 'ENAMETOOLONG':
      return new ValidationError('invalid blob key: a segment is too long for the filesystem', [{ path: 'key', message: 'segment too long' }]);
    case 'ENOSPC':
    case 'EDQUOT':
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
    case 'EIO':
      return new DependencyUnavailableError('blob storage', `filesystem blob storage failed (${errorCode(error)})`, {
        cause: error,
      });
    default:
      return error;
  }
}

async function writeAllTo(path: string, chunks: AsyncIterable<Uint8Array>): Promise<void> {
  const handle = await open(path, 'wx', 0o644);
  try {
    for await (const chunk of chunks) {
      let offset = 0;
      while (offset < chunk.byteLength) {
        const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
        offset += bytesWritten;
      }
    }
    // Flushed before the rename so a crash never publishes a short file under the final name.
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * BlobStore on a local directory. Puts stream to a temp file under the root and are renamed into
 * place (atomic); content types are not kept; presignGet answers null.
 */
export class FsBlobStore implements BlobStore {
  /** Absolute root directory. */
  readonly root: string;

  constructor(options: FsBlobStoreOptions) {
    const root = options.root;
    this.root = resolve(typeof root === 'string' ? root : fileURLToPath(root));
  }

  async put(key: string, body: BlobBody, options: BlobPutOptions = {}): Promise<BlobInfo> {
    const target = this.pathOf(key);
    const metered = meterBody(body, options.maxBytes);
    const tempDir = join(this.root, TEMP_DIR);
    const tempPath = join(tempDir, `${randomUUID()}.part`);
    try {
      await mkdir(tempDir, { recursive: true });
      await writeAllTo(tempPath, metered.chunks);
      await this.moveIntoPlace(tempPath, target);
    } catch (error) {
      await rm(tempPath, { force: true });
      throw mapFsError(error);
    }
    return { key, ...metered.digest() };
  }

  async get(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new NotFoundError('blob', key);
      throw mapFsError(error);
    }
    // Opening a folder succeeds on Linux; a folder is never an object.
    if (!(await handle.stat()).isFile()) {
      await handle.close();
      throw new NotFoundError('blob', key);
    }
    return handle.createReadStream({ highWaterMark: READ_CHUNK_BYTES });
  }

  async head(key: string): Promise<{ readonly sizeBytes: number } | null> {
    const path = this.pathOf(key);
    try {
      const stats = await stat(path);
      return stats.isFile() ? { sizeBytes: stats.size } : null;
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      throw mapFsError(error);
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      await unlink(path);
    } catch (error) {
      const code = errorCode(error);
      // No object under this key (absent, or only a folder of other keys).
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return;
      throw mapFsError(error);
    }
    await this.pruneEmptyFolders(dirname(path));
  }

  async *list(prefix: string): AsyncIterable<string> {
    assertBlobPrefix(prefix);
    const cut = prefix.lastIndexOf('/');
    const folderKey = prefix.slice(0, cut + 1);
    const folder = folderKey === '' ? this.root : join(this.root, ...folderKey.slice(0, -1).split('/'));
    yield* this.walk(folder, folderKey, prefix.slice(cut + 1));
  }

  async presignGet(key: string, _expiresInSec?: number): Promise<string | null> {
    this.pathOf(key);
    return null;
  }

  async check(): Promise<void> {
    try {
      await mkdir(this.root, { recursive: true });
      await access(this.root, constants.R_OK | constants.W_OK);
    } catch (error) {
      throw new DependencyUnavailableError('blob storage', 'filesystem blob root is not a writable folder', {
        cause: error,
      });
    }
  }

  async close(): Promise<void> {
    // Nothing is held open between calls.
  }

  private pathOf(key: string): string {
    assertBlobKey(key);
    const segments = key.split('/');
    if (segments[0] === TEMP_DIR) {
      throw new ValidationError(`invalid blob key: "${TEMP_DIR}/" is reserved`, [{ path: 'key', message: `"${TEMP_DIR}/" is reserved` }]);
    }
    const path = join(this.root, ...segments);
    // Defence in depth: assertBlobKey already rules out every way out of the root.
    if (!path.startsWith(this.root + sep)) throw new ValidationError('invalid blob key: escapes the root');
    return path;
  }

  private async moveIntoPlace(tempPath: string, target: string): Promise<void> {
    // A concurrent delete may prune the folder between mkdir and rename; the retry recreates it.
    for (let attempt = 1; ; attempt += 1) {
      await mkdir(dirname(target), { recursive: true });
      try {
        await rename(tempPath, target);
        return;
      } catch (error) {
        if (errorCode(error) !== 'ENOENT' || attempt >= 3) throw error;
      }
    }
  }

  private async pruneEmptyFolders(from: string): Promise<void> {
    for (let folder = from; folder.startsWith(this.root + sep); folder = dirname(folder)) {
      try {
        await rmdir(folder);
      } catch {
        return; // not empty (or already gone): stop climbing
      }
    }
  }

  private async *walk(folder: string, keyPrefix: string, namePrefix: string): AsyncGenerator<string> {
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      throw mapFsError(error);
    }
    const items = entries
      .filter((entry) => entry.name.startsWith(namePrefix) && (entry.isFile() || entry.isDirectory()))
      .filter((entry) => !(keyPrefix === '' && entry.name === TEMP_DIR))
      // A folder sorts as "name/" because every key inside it starts that way.
      .map((entry) => ({ name: entry.name, folder: entry.isDirectory(), sortKey: entry.isDirectory() ? `${entry.name}/` : entry.name }))
      .sort((a, b) => compareBlobKeys(a.sortKey, b.sortKey));
    for (const item of items) {
      if (item.folder) yield* this.walk(join(folder, item.name), `${keyPrefix}${item.name}/`, '');
      else yield `${keyPrefix}${item.name}`;
    }
  }
}
