import { z } from 'zod';
import type { Selectable } from 'kysely';
import type { PointerChangeCause, PointerHistoryTable, ProductionPointersTable } from '../db/schema.js';
import { PageParams } from '../db/pagination.js';
import { TARGET_TYPES, type Target } from './target.js';
import { modelRetirement, type ModelRetirement } from '../providers/model-retirement.js';

export type { PointerChangeCause } from '../db/schema.js';

/** A pointer as the API returns it (the contract's `ProductionPointer`). */
export interface ProductionPointer {
  readonly id: string;
  readonly project_id: string | null;
  readonly target: Target;
  readonly model_version_id: string;
  readonly provider: string;
  readonly provider_model_id: string;
  readonly base_model: string;
  /** The serving version's retirement (see ModelVersion), or null. */
  readonly retirement: ModelRetirement | null;
  readonly version: number;
  readonly updated_by: string;
  readonly created_at: string;
  readonly updated_at: string;
}

/** One move of a pointer (the contract's `PointerHistoryEntry`). */
export interface PointerHistoryEntry {
  readonly id: string;
  readonly pointer_id: string;
  readonly seq: number;
  readonly from_model_version_id: string | null;
  readonly to_model_version_id: string;
  readonly cause: PointerChangeCause;
  readonly promotion_id: string | null;
  readonly actor: string;
  readonly notes: string | null;
  readonly created_at: string;
}

/** Query of `GET /production-pointers`. */
export const ListProductionPointersInput = PageParams.extend({
  target_type: z.enum(TARGET_TYPES).optional(),
  target_value: z.string().min(1).max(200).optional(),
}).strict();
export type ListProductionPointersInput = z.infer<typeof ListProductionPointersInput>;

/** Query of `GET /production-pointers/{id}/history`. */
export const ListPointerHistoryInput = PageParams.strict();
export type ListPointerHistoryInput = z.infer<typeof ListPointerHistoryInput>;

export type PointerRow = Selectable<ProductionPointersTable>;
export type PointerHistoryRow = Selectable<PointerHistoryTable>;

/** A pointer row with the serving version's provider fields. */
export type PointerWithModelRow = PointerRow & { readonly provider: string; readonly provider_model_id: string; readonly base_model: string };

const iso = (v: Date | string): string => (v instanceof Date ? v : new Date(v)).toISOString();

/** Row → public pointer; `now` (the caller's clock) counts the retirement's days left. */
export function toProductionPointer(row: PointerWithModelRow, now: Date = new Date()): ProductionPointer {
  return {
    id: row.id,
    project_id: row.project_id,
    target: { type: row.target_type, value: row.target_value },
    model_version_id: row.model_version_id,
    provider: row.provider,
    provider_model_id: row.provider_model_id,
    base_model: row.base_model,
    retirement: modelRetirement(row.provider, row.base_model, now),
    version: Number(row.version),
    updated_by: row.updated_by,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

/** Row → public history entry. */
export function toPointerHistoryEntry(row: PointerHistoryRow): PointerHistoryEntry {
  return {
    id: row.id,
    pointer_id: row.pointer_id,
    seq: Number(row.seq),
    from_model_version_id: row.from_model_version_id,
    to_model_version_id: row.to_model_version_id,
    cause: row.cause,
    promotion_id: row.promotion_id,
    actor: row.actor,
    notes: row.notes,
    created_at: iso(row.created_at),
  };
}

/** How an actor is named on rows it writes (`api_key:<id>`, `system:ftm-monitor`). */
export const actorName = (actor: { readonly type: string; readonly id: string }): string => `${actor.type}:${actor.id}`;
