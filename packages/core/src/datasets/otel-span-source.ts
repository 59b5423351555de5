import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { SourceLine } from './build/line-reader.js';
import type { PreferenceFromFeedback } from './otel-span-source-config.js';
import { spansInScope, type OtelSpanScope } from './otel-span-query.js';
import { addCounts, bestAndWorstPerPrompt, preferenceLine, replyOf, type PreferenceExample } from './preference-pairs.js';

/** Rows read per query while walking the spans (keyset pages, so memory stays flat). */
const PAGE = 500;

/**
 * The spans of a dataset's scope as `jsonl_chat` lines, oldest first: each span's stored
 * example (already sanitized at ingestion) as it is, with its trace and span ids as lineage and
 * its ingestion findings (so a `drop_record` or `block` policy sees what was redacted).
 */
export async function* otelSpanChatLines(db: Kysely<DB>, scope: OtelSpanScope, signal?: AbortSignal): AsyncGenerator<SourceLine> {
  const max = scope.filters.max_records ?? Number.POSITIVE_INFINITY;
  let line = 0;
  let after: { start: Date; trace: string; span: string } | null = null;
  for (;;) {
    signal?.throwIfAborted();
    let q = spansInScope(db, scope).select(['trace_id', 'span_id', 'start_time', 'example', 'findings']);
    if (after) {
      const a = after;
      q = q.where((eb) => eb(eb.refTuple('start_time', 'trace_id', 'span_id'), '>', eb.tuple(a.start, a.trace, a.span)));
    }
    const rows = await q
      .orderBy('start_time')
      .orderBy('trace_id')
      .orderBy('span_id')
      .limit(Math.min(PAGE, max - line))
      .execute();
    for (const row of rows) {
      line += 1;
      yield { line, text: row.example, ref: { lineage: { trace_id: row.trace_id, span_id: row.span_id }, findings: row.findings } };
    }
    const last = rows.at(-1);
    if (!last || rows.length < PAGE || line >= max) return;
    after = { start: new Date(last.start_time), trace: last.trace_id, span: last.span_id };
  }
}

/**
 * Preference pairs from the spans of a dataset's scope: first every span carrying a correction
 * (`correction_attribute`, a non-empty string other than the reply) as correction ≻ reply, then,
 * per prompt (spans sharing `prompt_sha256`), the best- and worst-scored replies by
 * `score_attribute` when they differ by at least `min_score_gap`. Prompts are walked in digest
 * order, a page at a time.
 */
export async function* otelSpanPreferenceLines(db: Kysely<DB>, scope: OtelSpanScope, preference: PreferenceFromFeedback, signal?: AbortSignal): AsyncGenerator<SourceLine> {
  const max = scope.filters.max_records ?? Number.POSITIVE_INFINITY;
  let line = 0;
  if (preference.correction_attribute) {
    const key = preference.correction_attribute;
    let after: { trace: string; span: string } | null = null;
    for (;;) {
      signal?.throwIfAborted();
      let q = spansInScope(db, scope)
        .select(['trace_id', 'span_id', 'example', 'findings'])
        .select(sql<string>`attributes ->> ${key}`.as('correction'))
        .where(sql`jsonb_typeof(attributes -> ${key})`, '=', 'string');
      if (after) {
        const a = after;
        q = q.where((eb) => eb(eb.refTuple('trace_id', 'span_id'), '>', eb.tuple(a.trace, a.span)));
      }
      const rows = await q.orderBy('trace_id').orderBy('span_id').limit(PAGE).execute();
      for (const row of rows) {
        if (line >= max) return;
        const example = JSON.parse(row.example) as PreferenceExample;
        const original = replyOf(example);
        if (row.correction.trim() === '' || row.correction === original.content) continue;
        line += 1;
        yield {
          line,
          text: preferenceLine(example, { role: 'assistant', content: row.correction }, original),
          ref: { lineage: { trace_id: row.trace_id, span_id: row.span_id, kind: 'correction' }, findings: row.findings },
        };
      }
      const last = rows.at(-1);
      if (!last || rows.length < PAGE) break;
      after = { trace: last.trace_id, span: last.span_id };
    }
  }
  if (!preference.score_attribute) return;
  const key = preference.score_attribute;
  let afterPrompt: string | null = null;
  for (;;) {
    signal?.throwIfAborted();
    // Per prompt with at least two scored replies: the best (rank 1 by score, desc) and the worst.
    let scored = spansInScope(db, scope)
      .select(['trace_id', 'span_id', 'prompt_sha256', 'example', 'findings'])
      .select(sql<string>`cast(attributes ->> ${key} as numeric)`.as('score'))
      .where(sql`jsonb_typeof(attributes -> ${key})`, '=', 'number');
    if (afterPrompt !== null) scored = scored.where('prompt_sha256', '>', afterPrompt);
    const rows = await bestAndWorstPerPrompt(db, scored, sql`trace_id, span_id`, PAGE * 2);
    // Two rows per prompt, best first: an even limit never splits a pair across pages.
    for (let i = 0; i + 1 < rows.length; i += 2) {
      if (line >= max) return;
      const best = rows[i]!;
      const worst = rows[i + 1]!;
      if (Number(best.score) - Number(worst.score) < preference.min_score_gap) continue;
      const bestExample = JSON.parse(best.example) as PreferenceExample;
      line += 1;
      yield {
        line,
        text: preferenceLine(bestExample, replyOf(bestExample), replyOf(JSON.parse(worst.example) as PreferenceExample)),
        ref: {
          lineage: { trace_id: best.trace_id, span_id: best.span_id, non_preferred_trace_id: worst.trace_id, non_preferred_span_id: worst.span_id, kind: 'scores' },
          findings: addCounts(best.findings, worst.findings),
        },
      };
    }
    if (rows.length < PAGE * 2) return;
    afterPrompt = rows.at(-1)!.prompt_sha256;
  }
}
