import { z } from 'zod';
import { PageParams } from '../db/pagination.js';
import type { CreatedApiKey } from '../auth/api-key.js';
import type { Project } from '../auth/project.js';

/** A tenant: the boundary of every resource, key and query. */
export interface Tenant {
  readonly id: string;
  readonly name: string;
  readonly created_at: string;
}

/** What `POST /tenants` answers: the tenant, its default project and its first admin key (secret once). */
export interface CreatedTenant {
  readonly tenant: Tenant;
  readonly project: Project;
  readonly admin_key: CreatedApiKey;
}

/** Body of `POST /tenants`. */
export const CreateTenantInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  admin_key_name: z.string().trim().min(1).max(200).optional(),
});
export type CreateTenantInput = z.infer<typeof CreateTenantInput>;

/** Query of `GET /tenants`. */
export const ListTenantsInput = PageParams.strict();
export type ListTenantsInput = z.infer<typeof ListTenantsInput>;

export function toTenant(row: { id: string; name: string; created_at: Date | string }): Tenant {
  return { id: row.id, name: row.name, created_at: new Date(row.created_at).toISOString() };
}
