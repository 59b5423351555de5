import type { Kysely, Selectable } from 'kysely';
import type { DB, IdempotencyRecordsTable } from '../db/schema.js';
import type { Clock } from '../shared/clock.js';
import { IdempotencyKeyInFlightError, IdempotencyKeyReusedError, ValidationError } from '../shared/errors.js';
import { fingerprintRequest, type IdempotentRequest } from './request-fingerprint.js';

/** A response kept for replay. */
export interface StoredResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** What to do with a request that carries an Idempotency-Key. */
export type IdempotencyDecision =
  | { readonly kind: 'proceed'; readonly claim: IdempotencyClaim }
  | { readonly kind: 'replay'; readonly response: StoredResponse }
  /**
   * The first request's state change committed (it named this resource in the same transaction)
   * but its response was never stored (the process died in between, or is about to store it):
   * answer from the resource, then {@link IdempotencyService.complete} with the claim.
   */
  | { readonly kind: 'committed'; readonly claim: IdempotencyClaim; readonly resource: { readonly type: string; readonly id: string } };

/** Proof that this request owns the key until it completes or releases it. */
export interface IdempotencyClaim {
  readonly tenantId: string;
  readonly key: string;
  readonly requestHash: string;
}

/** Options of {@link IdempotencyService}. */
export interface IdempotencyOptions {
  readonly db: Kysely<DB>;
  readonly clock: Clock;
  /** How long a key is remembered (default 24 h). */
  readonly retentionMs?: number;
  /** After this long, an in-flight claim is presumed dead and may be taken over (default 60 s). */
  readonly lockMs?: number;
}

const KEY_RE = /^[\x21-\x7e]{1,255}$/;

/**
 * Idempotency-Key semantics: the first request claims the key (`insert … on conflict do nothing`,
 * so concurrent duplicates cannot both win); a repeat of a completed request gets the stored
 * response; a different request under the same key is refused (422); a repeat while the first is
 * still running is refused (409) until its lock lapses, when a retry may take the key over.
 */
export class IdempotencyService {
  readonly #retentionMs: number;
  readonly #lockMs: number;

  constructor(private readonly options: IdempotencyOptions) {
    this.#retentionMs = options.retentionMs ?? 24 * 60 * 60 * 1000;
    this.#lockMs = options.lockMs ?? 60_000;
  }

  /** Refuses keys that are empty, too long or not printable ASCII. */
  static assertValidKey(key: string | undefined): asserts key is string {
    if (key === undefined || !KEY_RE.test(key)) {
      throw new ValidationError('Idempotency-Key header is required on this request', [
        { path: 'Idempotency-Key', message: 'send 1 to 255 printable ASCII characters, unique per operation (a UUID works)' },
      ]);
    }
  }

  async begin(tenantId: string, key: string, request: IdempotentRequest): Promise<IdempotencyDecision> {
    IdempotencyService.assertValidKey(key);
    const requestHash = fingerprintRequest(request);
    const claim: IdempotencyClaim = { tenantId, key, requestHash };
    const { db } = this.options;
    // Two rounds: a record can expire or be released between our insert and our read.
    for (let round = 0; round < 2; round++) {
      const now = this.options.clock.now();
      const inserted = await db
        .insertInto('idempotency_records')
        .values({
          tenant_id: tenantId,
          key,
          method: request.method.toUpperCase(),
          path: request.path,
          request_hash: requestHash,
          state: 'in_flight',
          locked_until: new Date(now.getTime() + this.#lockMs),
          created_at: now,
          expires_at: new Date(now.getTime() + this.#retentionMs),
        })
        .onConflict((oc) => oc.columns(['tenant_id', 'key']).doNothing())
        .returning('key')
        .executeTakeFirst();
      if (inserted) return { kind: 'proceed', claim };

      const existing = await db.selectFrom('idempotency_records').selectAll().where('tenant_id', '=', tenantId).where('key', '=', key).executeTakeFirst();
      if (!existing) continue;
      if (new Date(existing.expires_at).getTime() <= now.getTime()) {
        await db.deleteFrom('idempotency_records').where('tenant_id', '=', tenantId).where('key', '=', key).where('expires_at', '<=', now).execute();
        continue;
      }
      if (existing.request_hash !== requestHash) throw new IdempotencyKeyReusedError();
      if (existing.state === 'completed') return { kind: 'replay', response: toStoredResponse(existing) };
      if (existing.resource_type && existing.resource_id) return { kind: 'committed', claim, resource: { type: existing.resource_type, id: existing.resource_id } };
      if (new Date(existing.locked_until).getTime() > now.getTime()) throw new IdempotencyKeyInFlightError();
      // The request that held the key died without finishing; the first retry to get here takes it.
      const taken = await db
        .updateTable('idempotency_records')
        .set({ locked_until: new Date(now.getTime() + this.#lockMs) })
        .where('tenant_id', '=', tenantId)
        .where('key', '=', key)
        .where('state', '=', 'in_flight')
        .where('locked_until', '<=', now)
        .returning('key')
        .executeTakeFirst();
      if (taken) return { kind: 'proceed', claim };
      throw new IdempotencyKeyInFlightError();
    }
    throw new IdempotencyKeyInFlightError();
  }

  /** Stores the response for replays. */
  async complete(claim: IdempotencyClaim, response: StoredResponse): Promise<void> {
    await this.options.db
      .updateTable('idempotency_records')
      .set({
        state: 'completed',
        response_status: response.status,
        response_headers: JSON.stringify(response.headers),
        response_body: response.body,
      })
      .where('tenant_id', '=', claim.tenantId)
      .where('key', '=', claim.key)
      .where('request_hash', '=', claim.requestHash)
      .where('state', '=', 'in_flight')
      .execute();
  }

  /** Gives the key back (failed or unprocessed request) so a retry runs for real. */
  async release(claim: IdempotencyClaim): Promise<void> {
    await this.options.db
      .deleteFrom('idempotency_records')
      .where('tenant_id', '=', claim.tenantId)
      .where('key', '=', claim.key)
      .where('request_hash', '=', claim.requestHash)
      .where('state', '=', 'in_flight')
      .execute();
  }

  /** Deletes records past their retention; returns how many. */
  async purgeExpired(): Promise<number> {
    const result = await this.options.db.deleteFrom('idempotency_records').where('expires_at', '<=', this.options.clock.now()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function toStoredResponse(row: Selectable<IdempotencyRecordsTable>): StoredResponse {
  const headers = typeof row.response_headers === 'string' ? (JSON.parse(row.response_headers) as Record<string, string>) : (row.response_headers ?? {});
  return { status: row.response_status ?? 200, headers, body: row.response_body ?? '' };
}
