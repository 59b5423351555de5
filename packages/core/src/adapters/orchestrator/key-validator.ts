import { z } from 'zod';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Clock } from '../../shared/clock.js';
import { DependencyUnavailableError } from '../../shared/errors.js';
import { HttpClient, HttpStatusError, type HttpClientOptions } from '../../shared/http-client.js';
import type { KeyValidator, Principal } from '../../auth/principal.js';
import { ensureTenant } from '../../auth/ensure-tenant.js';

/** The Orchestrator's answer to `POST /v1/auth/validate-key` (see docs/integrations.md). */
export const OrchestratorKeyValidation = z.object({
  valid: z.boolean(),
  tenant_id: z.uuid().nullish(),
  project_id: z.uuid().nullish(),
  role: z.enum(['admin', 'member']).nullish(),
  expires_at: z.iso.datetime({ offset: true }).nullish(),
  key_id: z.string().min(1).max(200).nullish(),
});
export type OrchestratorKeyValidation = z.infer<typeof OrchestratorKeyValidation>;

/** Options of {@link OrchestratorKeyValidator}. */
export interface OrchestratorKeyValidatorOptions {
  readonly baseUrl: string;
  /** FTM's own credential at the Orchestrator (FTM_ORCHESTRATOR_API_KEY). */
  readonly apiKey: string;
  /** Where tenants first seen through the Orchestrator are created. */
  readonly db: Kysely<DB>;
  readonly clock: Clock;
  readonly timeoutMs?: number;
  readonly retry?: HttpClientOptions['retry'];
  readonly fetch?: typeof fetch;
  readonly sleep?: HttpClientOptions['sleep'];
}

/**
 * Validates bearer keys with the Orchestrator. An unknown key is null (401); an Orchestrator that
 * cannot answer, refuses FTM's own credential or answers nonsense is DependencyUnavailableError
 * (503), never a silent accept.
 */
export class OrchestratorKeyValidator implements KeyValidator {
  readonly #http: HttpClient;
  readonly #knownTenants = new Set<string>();

  constructor(private readonly options: OrchestratorKeyValidatorOptions) {
    this.#http = new HttpClient({
      name: 'orchestrator',
      baseUrl: options.baseUrl,
      headers: { authorization: `Bearer ${options.apiKey}` },
      timeoutMs: options.timeoutMs ?? 3_000,
      retry: options.retry ?? { maxAttempts: 2, baseDelayMs: 100, maxDelayMs: 500 },
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
    });
  }

  async validate(secret: string, keyHash: string): Promise<Principal | null> {
    let body: unknown;
    try {
      body = (await this.#http.request({ method: 'POST', path: '/v1/auth/validate-key', body: { api_key: secret } })).body;
    } catch (error) {
      if (error instanceof HttpStatusError) {
        throw new DependencyUnavailableError('orchestrator', `orchestrator refused key validation (HTTP ${error.status})`);
      }
      throw error;
    }
    const parsed = OrchestratorKeyValidation.safeParse(body);
    if (!parsed.success) throw new DependencyUnavailableError('orchestrator', 'orchestrator answered key validation with an unexpected body');
    const v = parsed.data;
    if (!v.valid) return null;
    if (!v.tenant_id || !v.role) throw new DependencyUnavailableError('orchestrator', 'orchestrator vouched for a key without tenant or role');
    const expiresAt = v.expires_at ? new Date(v.expires_at) : null;
    const now = this.options.clock.now();
    if (expiresAt && expiresAt.getTime() <= now.getTime()) return null;
    const seen = `${v.tenant_id}/${v.project_id ?? ''}`;
    if (!this.#knownTenants.has(seen)) {
      await ensureTenant(this.options.db, v.tenant_id, v.project_id ?? null, now);
      this.#knownTenants.add(seen);
    }
    return {
      tenantId: v.tenant_id,
      projectId: v.project_id ?? null,
      role: v.role,
      // Without a key id from the Orchestrator, a hash prefix tells keys apart and reveals nothing.
      actor: { type: 'orchestrator_key', id: v.key_id ?? `sha256:${keyHash.slice(0, 16)}`, role: v.role },
      expiresAt,
    };
  }
}
