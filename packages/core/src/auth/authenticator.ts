import type { Clock } from '../shared/clock.js';
import { UnauthorizedError } from '../shared/errors.js';
import { hashApiKey } from './api-key-secret.js';
import type { KeyValidator, Principal } from './principal.js';

/** Options of {@link Authenticator}. */
export interface AuthenticatorOptions {
  readonly validator: KeyValidator;
  readonly clock: Clock;
  /** How long a validated key is trusted without asking its source again (default 30 s). */
  readonly cacheTtlMs?: number;
  /** How long an unknown key is remembered as unknown (default 5 s). */
  readonly negativeCacheTtlMs?: number;
  readonly maxEntries?: number;
  /** Called on every successful authentication (last-used bookkeeping). */
  readonly onAuthenticated?: (principal: Principal) => void;
}

interface Entry {
  readonly principal: Principal | null;
  readonly until: number;
}

/**
 * Turns a bearer secret into a Principal without a database round trip per request: answers are
 * cached for a short TTL. A revoke on this instance evicts the key at once; other instances stop
 * accepting it when their entry expires (at most the TTL later).
 *
 * The cache is keyed by the secret itself, so a warm request hashes nothing (SHA-256 was the
 * largest cost of a warm authentication); the hash is computed for the lookup only. Expired
 * entries, secrets included, are swept at the next lookup (at most once per TTL).
 */
export class Authenticator {
  readonly #cache = new Map<string, Entry>();
  readonly #inflight = new Map<string, Promise<Principal | null>>();
  readonly #ttl: number;
  readonly #negativeTtl: number;
  readonly #max: number;
  // Bumped by every invalidation so a lookup that started before a revoke cannot re-cache the key.
  #generation = 0;
  #sweptAt = 0;

  constructor(private readonly options: AuthenticatorOptions) {
    this.#ttl = options.cacheTtlMs ?? 30_000;
    this.#negativeTtl = options.negativeCacheTtlMs ?? 5_000;
    this.#max = options.maxEntries ?? 10_000;
  }

  /** The principal of a secret, or UnauthorizedError; DependencyUnavailableError passes through. */
  async authenticate(secret: string): Promise<Principal> {
    const cached = this.authenticateCached(secret);
    if (cached) return cached;
    return this.#accept(secret, await this.#lookup(secret), this.options.clock.now().getTime());
  }

  /**
   * What {@link authenticate} answers when the cache alone can answer it (no I/O, no promise: the
   * hot path's shape); undefined when the source must be asked.
   */
  authenticateCached(secret: string): Principal | undefined {
    const now = this.options.clock.now().getTime();
    const entry = this.#cache.get(secret);
    if (!entry || entry.until <= now) return undefined;
    return this.#accept(secret, entry.principal, now);
  }

  #accept(secret: string, principal: Principal | null, now: number): Principal {
    if (!principal) throw new UnauthorizedError('the API key is not valid');
    if (principal.expiresAt && principal.expiresAt.getTime() <= now) {
      this.#cache.delete(secret);
      throw new UnauthorizedError('the API key is not valid');
    }
    this.options.onAuthenticated?.(principal);
    return principal;
  }

  /** Forgets a key at once (after a local revoke). */
  invalidateKey(keyId: string): void {
    this.#generation += 1;
    for (const [secret, entry] of this.#cache) if (entry.principal?.actor.id === keyId) this.#cache.delete(secret);
  }

  clear(): void {
    this.#generation += 1;
    this.#cache.clear();
  }

  // Concurrent requests with the same uncached key share one lookup.
  #lookup(secret: string): Promise<Principal | null> {
    let pending = this.#inflight.get(secret);
    if (!pending) {
      const generation = this.#generation;
      pending = this.options.validator
        .validate(secret, hashApiKey(secret))
        .then((principal) => {
          if (generation === this.#generation) this.#store(secret, principal);
          return principal;
        })
        .finally(() => this.#inflight.delete(secret));
      this.#inflight.set(secret, pending);
    }
    return pending;
  }

  #store(secret: string, principal: Principal | null): void {
    if (this.#cache.size >= this.#max) {
      const oldest = this.#cache.keys().next();
      if (!oldest.done) this.#cache.delete(oldest.value);
    }
    const now = this.options.clock.now().getTime();
    const ttl = principal ? this.#ttl : this.#negativeTtl;
    this.#cache.set(secret, { principal, until: now + ttl });
    if (now - this.#sweptAt >= this.#ttl) this.#sweep(now);
  }

  /** Forgets expired entries (and with them their secrets); runs at most once per TTL, on a store. */
  #sweep(now: number): void {
    this.#sweptAt = now;
    for (const [secret, entry] of this.#cache) if (entry.until <= now) this.#cache.delete(secret);
  }
}
