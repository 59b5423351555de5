import { z } from 'zod';
import { PageParams } from '../db/pagination.js';

/** A project: the unit inside a tenant that keys, datasets and models can be scoped to. */
export interface Project {
  readonly id: string;
  readonly tenant_id: string;
  readonly name: string;
  readonly created_at: string;
}

/** Body of `POST /projects`. */
export const CreateProjectInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
});
export type CreateProjectInput = z.infer<typeof CreateProjectInput>;

/** Query of `GET /projects`. */
export const ListProjectsInput = PageParams.strict();
export type ListProjectsInput = z.infer<typeof ListProjectsInput>;

export function toProject(row: { id: string; tenant_id: string; name: string; created_at: Date | string }): Project {
  return { id: row.id, tenant_id: row.tenant_id, name: row.name, created_at: new Date(row.created_at).toISOString() };
}
