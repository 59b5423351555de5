import type { Kysely } from 'kysely';
import type { DB, TargetType } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { ValidationError } from '../shared/errors.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { parseInput } from '../shared/parse-input.js';
import { visiblePointers } from './pointer-queries.js';
import type { PointerChangeBus, PointerChangeListener } from './pointer-change-bus.js';
import { pointerEtag, ResolvePointerInput, type Resolution } from './resolved-pointer.js';
import { GLOBAL_TARGET_VALUE } from './target.js';

/** Options of {@link PointerResolver}. */
export interface PointerResolverOptions {
  readonly db: Kysely<DB>;
  readonly bus: PointerChangeBus;
  readonly clock?: Clock;
  /**
   * Longest an answer is served from memory without asking the database again (default 60 s): a
   * safety net for a change notice lost between a commit and its publication.
   */
  readonly maxAgeMs?: number;
  /** Entries kept per process before the oldest are dropped (default 10,000). */
  readonly maxEntries?: number;
}

interface Entry {
  readonly resolution: Resolution | null;
  readonly at: number;
}

const RANK: Record<TargetType, number> = { assistant: 0, project: 1, global: 2 };

const isName = (v: unknown): v is string => typeof v === 'string' && v.length >= 1 && v.length <= 200;

/**
 * The hot path's own check of the common, valid query (only `assistant` and/or `project`, each
 * 1–200 characters), so a warm resolve costs no schema parse; anything else returns undefined and
 * goes through the schema, which explains what is wrong.
 */
function plainQuery(query: unknown): ResolvePointerInput | undefined {
  if (typeof query !== 'object' || query === null) return undefined;
  let assistant: string | undefined;
  let project: string | undefined;
  for (const key in query) {
    const value = (query as Record<string, unknown>)[key];
    if (key === 'assistant' && isName(value)) assistant = value;
    else if (key === 'project' && isName(value)) project = value;
    else return undefined;
  }
  return { ...(assistant !== undefined ? { assistant } : {}), ...(project !== undefined ? { project } : {}) };
}

function parseResolveQuery(query: unknown): ResolvePointerInput {
  const q = plainQuery(query) ?? parseInput(ResolvePointerInput, query ?? {}, 'resolve query');
  if (q.assistant === undefined && q.project === undefined) {
    throw new ValidationError('name an assistant, a project, or both', [{ path: 'assistant', message: 'assistant or project is required' }]);
  }
  return q;
}

const cacheKey = (ctx: Pick<ServiceContext, 'projectId'>, q: ResolvePointerInput): string => `${ctx.projectId ?? ''}\u0000${q.assistant ?? ''}\u0000${q.project ?? ''}`;

/**
 * `GET /production-pointers/resolve` behind an in-process cache: the answer for (tenant, key
 * scope, assistant, project), including "nothing", is kept until the change bus says a pointer
 * of the tenant moved. While the bus cannot hear changes every call reads the database, so no
 * process serves a swapped pointer for longer than the bus takes to deliver (well under 1 s).
 */
export class PointerResolver {
  readonly #db: Kysely<DB>;
  readonly #bus: PointerChangeBus;
  readonly #clock: Clock;
  readonly #maxAgeMs: number;
  readonly #maxEntries: number;
  readonly #byTenant = new Map<string, Map<string, Entry>>();
  // Bumped on every change of a tenant: a read that began before it must not be stored after it.
  readonly #generation = new Map<string, number>();
  #size = 0;
  #listening = false;
  #unsubscribe: (() => Promise<void>) | undefined;

  constructor(options: PointerResolverOptions) {
    this.#db = options.db;
    this.#bus = options.bus;
    this.#clock = options.clock ?? systemClock;
    this.#maxAgeMs = options.maxAgeMs ?? 60_000;
    this.#maxEntries = options.maxEntries ?? 10_000;
  }

  /** Starts hearing changes; until then (and after stop) nothing is cached. */
  async start(): Promise<void> {
    if (this.#unsubscribe) return;
    const listener: PointerChangeListener = {
      onChange: ({ tenantId }) => this.invalidate(tenantId),
      onConnected: (connected) => {
        this.#listening = connected;
        this.clear();
      },
    };
    this.#unsubscribe = await this.#bus.subscribe(listener);
  }

  async stop(): Promise<void> {
    const unsubscribe = this.#unsubscribe;
    this.#unsubscribe = undefined;
    this.#listening = false;
    this.clear();
    await unsubscribe?.();
  }

  /** Drops every cached answer of a tenant. */
  invalidate(tenantId: string): void {
    this.#generation.set(tenantId, (this.#generation.get(tenantId) ?? 0) + 1);
    const entries = this.#byTenant.get(tenantId);
    if (entries) {
      this.#size -= entries.size;
      this.#byTenant.delete(tenantId);
    }
  }

  /** Drops every cached answer. */
  clear(): void {
    for (const tenantId of this.#byTenant.keys()) this.#generation.set(tenantId, (this.#generation.get(tenantId) ?? 0) + 1);
    this.#byTenant.clear();
    this.#size = 0;
  }

  /**
   * The pointer serving the query for this caller, most specific first (assistant → project →
   * global), or null when no level has one. Input is validated (at least one of the two).
   */
  async resolve(ctx: Pick<ServiceContext, 'tenantId' | 'projectId'>, query: unknown): Promise<Resolution | null> {
    const hit = this.resolveCached(ctx, query);
    if (hit !== undefined) return hit;
    const q = parseResolveQuery(query);
    const now = this.#clock.now().getTime();
    const generation = this.#generation.get(ctx.tenantId) ?? 0;
    const resolution = await this.#load(ctx, q.assistant, q.project);
    if (this.#listening && (this.#generation.get(ctx.tenantId) ?? 0) === generation) this.#store(ctx.tenantId, cacheKey(ctx, q), { resolution, at: now });
    return resolution;
  }

  /**
   * What {@link resolve} answers when the cache alone can answer it (no I/O, no promise: the hot
   * path's shape); undefined when the database must be asked. A bad query throws ValidationError.
   */
  resolveCached(ctx: Pick<ServiceContext, 'tenantId' | 'projectId'>, query: unknown): Resolution | null | undefined {
    const q = parseResolveQuery(query);
    if (!this.#listening) return undefined;
    const cached = this.#byTenant.get(ctx.tenantId)?.get(cacheKey(ctx, q));
    if (cached && this.#clock.now().getTime() - cached.at < this.#maxAgeMs) return cached.resolution;
    return undefined;
  }

  async #load(ctx: Pick<ServiceContext, 'tenantId' | 'projectId'>, assistant: string | undefined, project: string | undefined): Promise<Resolution | null> {
    const rows = await visiblePointers(this.#db, ctx)
      .where((eb) => {
        const levels = [eb.and([eb('p.target_type', '=', 'global'), eb('p.target_value', '=', GLOBAL_TARGET_VALUE)])];
        if (assistant !== undefined) levels.push(eb.and([eb('p.target_type', '=', 'assistant'), eb('p.target_value', '=', assistant)]));
        if (project !== undefined) levels.push(eb.and([eb('p.target_type', '=', 'project'), eb('p.target_value', '=', project)]));
        return eb.or(levels);
      })
      .execute();
    const best = rows.sort((a, b) => RANK[a.target_type] - RANK[b.target_type])[0];
    if (!best) return null;
    const version = Number(best.version);
    const body = {
      pointer_id: best.id,
      matched: best.target_type,
      target: { type: best.target_type, value: best.target_value },
      model_version_id: best.model_version_id,
      provider: best.provider,
      provider_model_id: best.provider_model_id,
      version,
    };
    return { body, json: JSON.stringify(body), etag: pointerEtag(best.id, version) };
  }

  #store(tenantId: string, key: string, entry: Entry): void {
    if (this.#size >= this.#maxEntries && !this.#byTenant.get(tenantId)?.has(key)) this.#evictOldestTenant();
    let entries = this.#byTenant.get(tenantId);
    if (!entries) {
      entries = new Map();
      this.#byTenant.set(tenantId, entries);
    }
    if (!entries.has(key)) this.#size += 1;
    entries.set(key, entry);
  }

  // Coarse but O(1): the tenant cached longest ago gives up all its entries.
  #evictOldestTenant(): void {
    const oldest = this.#byTenant.keys().next();
    if (!oldest.done) this.invalidate(oldest.value);
  }
}
