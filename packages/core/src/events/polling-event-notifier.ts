import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Logger } from '../shared/logger.js';
import { silentLogger } from '../shared/logger.js';
import type { EventNotifier } from './event-notifier.js';

/** Tuning of the polling notifier. */
export interface PollingEventNotifierOptions {
  /** Poll period while someone listens; default 250 ms. */
  readonly intervalMs?: number;
  /** A seq gap is trusted to be final no sooner than this; default 500 ms. */
  readonly gapGraceMs?: number;
  /** A gap older than this is skipped even if old transactions linger; default 30 s. */
  readonly gapTimeoutMs?: number;
  /** How far behind the newest event the mark starts, so in-flight ones are not skipped. */
  readonly startBacklog?: number;
  readonly logger?: Logger;
  readonly now?: () => number;
}

interface PendingGap {
  /** Every gap below this observed seq was seen at `since`, while `running` were in progress. */
  readonly upTo: number;
  readonly running: ReadonlySet<string>;
  readonly since: number;
}

const BATCH = 5_000;

/**
 * An EventNotifier that polls the outbox (works on PostgreSQL and PGlite alike). One poll serves
 * every stream of the process. A gap in seq is skipped once every transaction of this database that
 * was running when it was seen has ended: the gap was a rollback. (A writer that has drawn its seq
 * but not yet its transaction id is covered by `gapGraceMs`; the database role needs to see its
 * own sessions in pg_stat_activity, which it always does.)
 */
export function createPollingEventNotifier(db: Kysely<DB>, options: PollingEventNotifierOptions = {}): EventNotifier {
  const intervalMs = options.intervalMs ?? 250;
  const graceMs = options.gapGraceMs ?? 500;
  const timeoutMs = options.gapTimeoutMs ?? 30_000;
  const now = options.now ?? Date.now;
  const logger = options.logger ?? silentLogger;
  const listeners = new Set<(mark: number) => void>();
  let mark: number | undefined;
  let pending: PendingGap | undefined;
  let running: Promise<number> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  // Transactions with an id in this database, other than our own session. Only this database's
  // writers can fill a gap; cluster-wide snapshots would wait on other databases' transactions.
  async function runningTransactions(): Promise<Set<string>> {
    const result = await sql<{ xid: string }>`
      select backend_xid::text as xid from pg_stat_activity
      where datname = current_database() and backend_xid is not null and pid <> pg_backend_pid()`.execute(db);
    return new Set(result.rows.map((r) => r.xid));
  }

  async function gapIsFinal(gap: PendingGap): Promise<boolean> {
    const age = now() - gap.since;
    if (age >= timeoutMs) return true;
    if (age < graceMs) return false;
    if (gap.running.size === 0) return true;
    const running = await runningTransactions();
    for (const xid of gap.running) if (running.has(xid)) return false;
    return true;
  }

  async function advance(): Promise<number> {
    if (mark === undefined) {
      const max = await sql<{ seq: string | number | null }>`select max(seq) as seq from outbox_events`.execute(db);
      mark = Math.max(0, Number(max.rows[0]?.seq ?? 0) - (options.startBacklog ?? 1_000));
    }
    const before = mark;
    const rows = await db.selectFrom('outbox_events').select('seq').where('seq', '>', mark).orderBy('seq').limit(BATCH).execute();
    const seqs = rows.map((r) => Number(r.seq));
    // Two passes: a gap seen while no other transaction runs can be closed at once.
    for (let pass = 0; pass < 2; pass++) {
      if (pending && seqs.length > 0 && (await gapIsFinal(pending))) {
        mark = Math.max(mark, pending.upTo);
        pending = undefined;
      }
      for (const seq of seqs) {
        if (seq <= mark) continue;
        if (seq !== mark + 1) break;
        mark = seq;
      }
      if (pending && pending.upTo <= mark) pending = undefined;
      const last = seqs[seqs.length - 1];
      if (last === undefined || last <= mark || pending) break;
      pending = { upTo: last, running: await runningTransactions(), since: now() };
    }
    if (mark !== before) for (const listener of listeners) listener(mark);
    return mark;
  }

  function poll(): Promise<number> {
    running ??= advance()
      .catch((error: unknown) => {
        logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'event notifier poll failed');
        return mark ?? 0;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  function schedule(): void {
    if (closed || timer || listeners.size === 0) return;
    timer = setTimeout(() => {
      timer = undefined;
      void poll().finally(schedule);
    }, intervalMs);
  }

  return {
    highWaterMark: () => (mark !== undefined && timer ? Promise.resolve(mark) : poll()),
    subscribe(listener) {
      listeners.add(listener);
      schedule();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && timer) {
          clearTimeout(timer);
          timer = undefined;
        }
      };
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      listeners.clear();
      await running;
    },
  };
}
