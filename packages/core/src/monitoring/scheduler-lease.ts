import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Clock } from '../shared/clock.js';

/** Options of {@link SchedulerLease}. */
export interface SchedulerLeaseOptions {
  readonly db: Kysely<DB>;
  /** Which singleton loop this lease elects a leader for. */
  readonly name: string;
  /** Who asks (unique per process). */
  readonly owner: string;
  /** How long a lease lasts without renewal; the leader renews well before (default 15 s). */
  readonly ttlMs?: number;
  readonly clock: Clock;
}

/**
 * Leader election on a lease row: one atomic upsert takes the lease when it is free or expired,
 * or renews it for its holder. Works on PostgreSQL and PGlite alike; a leader that stalls past
 * the TTL loses it, and the fencing token (bumped on every change of holder) tells it so.
 */
export class SchedulerLease {
  readonly #options: SchedulerLeaseOptions;
  #token: number | null = null;

  constructor(options: SchedulerLeaseOptions) {
    this.#options = options;
  }

  /** The fencing token while this owner leads, else null. */
  get token(): number | null {
    return this.#token;
  }

  /** Takes or renews the lease; true while this owner is the leader. */
  async acquire(): Promise<boolean> {
    const { name, owner } = this.#options;
    const now = this.#options.clock.now();
    const expires = new Date(now.getTime() + (this.#options.ttlMs ?? 15_000));
    const row = await this.#options.db
      .insertInto('scheduler_leases')
      .values({ name, owner, fencing_token: 1, acquired_at: now, expires_at: expires })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({
            fencing_token: sql<number>`case when scheduler_leases.owner = excluded.owner then scheduler_leases.fencing_token else scheduler_leases.fencing_token + 1 end`,
            acquired_at: sql<Date>`case when scheduler_leases.owner = excluded.owner then scheduler_leases.acquired_at else excluded.acquired_at end`,
            owner: sql<string>`excluded.owner`,
            expires_at: sql<Date>`excluded.expires_at`,
          })
          .where((eb) => eb.or([eb('scheduler_leases.owner', '=', owner), eb('scheduler_leases.expires_at', '<', now)])),
      )
      .returning('fencing_token')
      .executeTakeFirst();
    this.#token = row ? Number(row.fencing_token) : null;
    return this.#token !== null;
  }

  /** Gives the lease up (on shutdown), so another worker leads at once instead of after the TTL. */
  async release(): Promise<void> {
    this.#token = null;
    await this.#options.db
      .updateTable('scheduler_leases')
      .set({ expires_at: new Date(0) })
      .where('name', '=', this.#options.name)
      .where('owner', '=', this.#options.owner)
      .execute();
  }
}
