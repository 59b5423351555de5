import { z } from 'zod';
import type { TargetType } from '../db/schema.js';
import type { ServiceContext } from '../shared/context.js';
import { ForbiddenError } from '../shared/errors.js';

export type { TargetType } from '../db/schema.js';

/** Every kind of target a production pointer can serve, most specific first. */
export const TARGET_TYPES = ['assistant', 'project', 'global'] as const satisfies readonly TargetType[];

/** The value of a global target. */
export const GLOBAL_TARGET_VALUE = '*';

/** What a production pointer serves (the contract's `Target`): an assistant, a project, or everything. */
export const Target = z
  .strictObject({
    type: z.enum(TARGET_TYPES),
    value: z.string().trim().min(1).max(200),
  })
  .superRefine((t, issue) => {
    if (t.type === 'global' && t.value !== GLOBAL_TARGET_VALUE) issue.addIssue({ code: 'custom', path: ['value'], message: "a global target's value is '*'" });
    if (t.type === 'project' && !z.uuid().safeParse(t.value).success) issue.addIssue({ code: 'custom', path: ['value'], message: 'a project target names a project id' });
  });
export type Target = z.infer<typeof Target>;

/**
 * The project a pointer for `target` belongs to: the project itself for a project target, none for
 * global, and the caller's (or the model version's) project for an assistant.
 */
export function pointerProjectId(target: Target, ctx: Pick<ServiceContext, 'projectId'>, versionProjectId: string | null): string | null {
  if (target.type === 'project') return target.value;
  if (target.type === 'global') return null;
  return ctx.projectId ?? versionProjectId;
}

/** A project-scoped key may move only pointers of its own project: never global, never another project. */
export function assertTargetInScope(ctx: Pick<ServiceContext, 'projectId'>, target: Target, pointerProject: string | null): void {
  if (!ctx.projectId) return;
  if (target.type === 'global' || pointerProject !== ctx.projectId) {
    throw new ForbiddenError('this API key is limited to one project and cannot move pointers outside it');
  }
}
