import { sql, type Kysely, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import type { DB } from '../db/schema.js';

/** One chat message of a stored example, as the sources read it. */
export type PreferenceMessage = Record<string, unknown>;

/** A stored chat example: its last message is the reply. */
export interface PreferenceExample {
  readonly messages: PreferenceMessage[];
  readonly tools?: unknown[];
}

/** A preference record from a prompt and two replies, OpenAI's DPO format. */
export function preferenceLine(example: PreferenceExample, preferred: PreferenceMessage, nonPreferred: PreferenceMessage): string {
  const input: Record<string, unknown> = { messages: example.messages.slice(0, -1) };
  if (example.tools && example.tools.length > 0) input.tools = example.tools;
  return JSON.stringify({ input, preferred_output: [preferred], non_preferred_output: [nonPreferred] });
}

/** The reply of an example: its last message. */
export const replyOf = (example: PreferenceExample): PreferenceMessage => example.messages[example.messages.length - 1]!;

/** Two findings tallies added together (a pair's record carries both replies' findings). */
export function addCounts(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = { ...a };
  for (const [type, count] of Object.entries(b)) out[type] = (out[type] ?? 0) + count;
  return out;
}

/**
 * Per prompt with at least two scored replies, the best (rank 1 by score, desc) and the worst
 * (rank 1 by score, asc), ties broken by `tiebreak`: two rows per prompt, best first, prompts in
 * digest order, at most `limit` rows (even, so a page never splits a pair). `scored` selects the
 * replies with their `prompt_sha256` and a numeric `score`; the otel_spans and langfuse sources
 * share this query.
 */
export function bestAndWorstPerPrompt<S extends { prompt_sha256: string; score: unknown }>(
  db: Kysely<DB>,
  scored: SelectQueryBuilder<DB, never, S>,
  tiebreak: RawBuilder<unknown>,
  limit: number,
): Promise<(S & { best: number; worst: number; replies: number })[]> {
  return db
    .with('scored', () => scored)
    .with('ranked', (qc) =>
      qc
        .selectFrom('scored')
        .selectAll()
        .select([
          sql<number>`row_number() over (partition by prompt_sha256 order by score desc, ${tiebreak})`.as('best'),
          sql<number>`row_number() over (partition by prompt_sha256 order by score asc, ${tiebreak})`.as('worst'),
          sql<number>`count(*) over (partition by prompt_sha256)`.as('replies'),
        ]),
    )
    .selectFrom('ranked')
    .selectAll()
    .where(sql<boolean>`replies >= 2 and (best = 1 or worst = 1)`)
    .orderBy('prompt_sha256')
    .orderBy('best')
    .limit(limit)
    .execute() as Promise<(S & { best: number; worst: number; replies: number })[]>;
}
