import { z } from 'zod';
import type { ServiceContext } from '../shared/context.js';
import { ForbiddenError } from '../shared/errors.js';
import { parseInput } from '../shared/parse-input.js';
import { PROVIDER_CREDENTIAL_KIND, type CredentialSource } from './provider-credentials.js';
import type { ProviderAdminDeps } from './provider-credential-info.js';
import { toProviderInfo, type ProviderInfo } from './provider-info.js';
import { assertProjectOfTenant } from './provider-scope-checks.js';

/** Query of `GET /providers`: the project whose view to show (a project-scoped key sees its own). */
export const ListProvidersInput = z.strictObject({ project_id: z.uuid().optional() });
export type ListProvidersInput = z.infer<typeof ListProvidersInput>;

/**
 * `GET /providers`: every registered provider with what it trains (methods, hyperparameter limits,
 * base models with limits, prices and retirement dates, the provider's own retirement) and, for
 * the caller's scope (its project, else the tenant), whether it is configured and whose
 * credential it would use. One query for the stored credentials; nothing is decrypted.
 */
export async function listProviders(deps: ProviderAdminDeps, ctx: ServiceContext, query: unknown): Promise<{ readonly data: readonly ProviderInfo[]; readonly next_cursor: null }> {
  const input = parseInput(ListProvidersInput, query, 'query');
  if (ctx.projectId && input.project_id && input.project_id !== ctx.projectId) throw new ForbiddenError('this API key is limited to another project');
  const projectId = input.project_id ?? ctx.projectId;
  if (input.project_id) await assertProjectOfTenant(deps, ctx, input.project_id);
  const stored = await deps.secrets.list(deps.db, { tenantId: ctx.tenantId, kind: PROVIDER_CREDENTIAL_KIND, ...(projectId ? { projectId } : {}) });
  const sourceOf = (name: string, hasServerCredential: boolean): CredentialSource | null => {
    const mine = stored.filter((s) => s.name === name);
    if (projectId && mine.some((s) => s.projectId === projectId)) return 'project';
    if (mine.some((s) => s.projectId === null)) return 'tenant';
    return hasServerCredential ? 'server' : null;
  };
  const data = deps.providers.describe().map((d) => toProviderInfo(d, { isDefault: d.name === deps.providers.defaultProvider, source: sourceOf(d.name, d.hasServerCredential) }));
  return { data, next_cursor: null };
}
