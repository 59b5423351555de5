import { closeSync, openSync, readFileSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Who holds an embedded data directory: written to `<FTM_DATA_DIR>/ftm.lock`. */
export interface LockOwner {
  readonly pid: number;
  readonly command: string;
  readonly startedAt: string;
  /** The API of the owner, once it listens (ftm start / ftm api). */
  readonly url?: string;
}

/** Another live process owns the data directory; the message is one line saying what to do. */
export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
  constructor(
    readonly dataDir: string,
    readonly owner: LockOwner,
    command: string,
  ) {
    super(
      `the embedded data directory ${dataDir} is in use by \`ftm ${owner.command}\` (pid ${owner.pid}${owner.url ? `, ${owner.url}` : ''}); ` +
        (command.startsWith('queue-replay')
          ? // The public API has no route that replays queue dead letters (only webhook deliveries'), so say so.
            `no API route replays queue dead letters: stop that process first, then run \`ftm ${command}\` again` +
            (owner.url ? ` (webhook deliveries that are dead letters are replayed over its API: POST ${owner.url}/webhooks/deliveries/replay)` : '')
          : owner.url
            ? `${howOverHttp(command, owner.url)}, or stop that process first`
            : 'stop that process first') +
        ' (PGlite is one process only: a second one would corrupt it)',
    );
  }
}

function howOverHttp(command: string, url: string): string {
  if (command.startsWith('keys')) return `manage keys over its API instead (POST ${url}/api-keys, GET ${url}/api-keys, POST ${url}/api-keys/{id}/revoke with an admin key)`;
  if (command.startsWith('tenants')) return `manage tenants over its API instead (POST/GET ${url}/tenants with FTM_OPERATOR_TOKEN)`;
  if (command === 'migrate') return 'it already migrated the database at start';
  return `use that server (${url})`;
}

/** The lock this process holds; release() is idempotent and runs at exit too. */
export interface DataDirLock {
  readonly path: string;
  /** Records the owner's API address, so refused commands can point at it. */
  announce(url: string): void;
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
    return Number.isInteger(owner.pid) ? owner : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes `<dataDir>/ftm.lock` for this process: created exclusively, holding the owner's pid. A
 * lock whose pid is dead (a crash, a SIGKILL) is taken over; a live owner refuses with
 * {@link DataDirLockedError}. A lock file that cannot be parsed is treated as stale only when
 * it is not being written right now (it is retried once).
 */
export function acquireDataDirLock(dataDir: string, command: string): DataDirLock {
  const path = join(dataDir, 'ftm.lock');
  let mine: LockOwner = { pid: process.pid, command, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt += 1) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(path);
      // A live owner refuses, this very process included: PGlite opened twice corrupts as surely.
      if (owner && alive(owner.pid)) throw new DataDirLockedError(dataDir, owner, command);
      if (!owner && attempt === 0) continue; // being written by its owner: read again
      try {
        unlinkSync(path); // stale: its owner is gone
      } catch {
        // another process took it over first; try again
      }
      continue;
    }
    writeSync(fd, JSON.stringify(mine));
    closeSync(fd);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      process.removeListener('exit', release);
      // Only our own lock: a lock taken over after we were presumed dead is not ours to remove.
      if (readOwner(path)?.pid === process.pid) {
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
      }
    };
    process.on('exit', release);
    return {
      path,
      announce(url) {
        mine = { ...mine, url };
        if (!released) writeFileSync(path, JSON.stringify(mine), { mode: 0o600 });
      },
      release,
    };
  }
  const owner = readOwner(path);
  throw owner ? new DataDirLockedError(dataDir, owner, command) : new Error(`could not take the lock ${path}`);
}
