import { z } from 'zod';
import type { TargetType } from '../db/schema.js';
import type { Target } from './target.js';

/** Query of `GET /production-pointers/resolve`: at least one of assistant and project. */
export const ResolvePointerInput = z.strictObject({
  assistant: z.string().min(1).max(200).optional(),
  project: z.string().min(1).max(200).optional(),
});
export type ResolvePointerInput = z.infer<typeof ResolvePointerInput>;

/** What the hot path answers (the contract's `ResolvedPointer`). */
export interface ResolvedPointer {
  readonly pointer_id: string;
  readonly matched: TargetType;
  readonly target: Target;
  readonly model_version_id: string;
  readonly provider: string;
  readonly provider_model_id: string;
  readonly version: number;
}

/** A resolution ready to send: the body, its JSON (serialised once) and its ETag. */
export interface Resolution {
  readonly body: ResolvedPointer;
  readonly json: string;
  /** Strong ETag from the pointer id and version: changes exactly when the answer does. */
  readonly etag: string;
}

/** The ETag of a pointer at a version. */
export const pointerEtag = (pointerId: string, version: number): string => `"${pointerId}.${version}"`;

/** Whether an If-None-Match header names `etag` (lists, weak forms and `*` included). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch === etag) return true;
  for (const raw of ifNoneMatch.split(',')) {
    const tag = raw.trim();
    if (tag === '*' || tag === etag || (tag.startsWith('W/') && tag.slice(2) === etag)) return true;
  }
  return false;
}
