import { sql } from 'kysely';
import type { LangfusePreference } from './langfuse-source-config.js';
import { readLangfuseGenerations, type LangfuseRead } from './langfuse-source.js';
import type { SourceLine } from './build/line-reader.js';
import { addCounts, bestAndWorstPerPrompt, preferenceLine, replyOf, type PreferenceExample } from './preference-pairs.js';

const PAGE = 500;

/**
 * Preference pairs from Langfuse feedback, with the otel_spans source's rules: the whole read is
 * staged first (resumable like a chat read), then every generation with a CORRECTION score gives
 * correction ≻ reply, and per prompt the best- and worst-scored replies give best ≻ worst when
 * they differ by at least `min_score_gap`. Pairs are read from the staged rows a page at a time.
 */
export async function* langfusePreferenceLines(read: LangfuseRead, preference: LangfusePreference, signal?: AbortSignal): AsyncGenerator<SourceLine> {
  for await (const _ of readLangfuseGenerations(read, signal)) void _;
  const { db, datasetId } = read;
  const max = read.filters.max_records ?? Number.POSITIVE_INFINITY;
  let line = 0;
  if (preference.correction_score) {
    for (let after = 0; ;) {
      signal?.throwIfAborted();
      const rows = await db
        .selectFrom('langfuse_read_records')
        .select(['seq', 'trace_id', 'observation_id', 'example', 'correction', 'findings'])
        .where('dataset_id', '=', datasetId)
        .where('correction', 'is not', null)
        .where('seq', '>', after)
        .orderBy('seq')
        .limit(PAGE)
        .execute();
      for (const row of rows) {
        if (line >= max) return;
        const example = JSON.parse(row.example) as PreferenceExample;
        const original = replyOf(example);
        if (row.correction === original.content) continue;
        line += 1;
        const lineage = { trace_id: row.trace_id, observation_id: row.observation_id, kind: 'correction' };
        yield { line, text: preferenceLine(example, { role: 'assistant', content: row.correction }, original), ref: { lineage, findings: row.findings as Record<string, number> } };
      }
      if (rows.length < PAGE) break;
      after = rows.at(-1)!.seq;
    }
  }
  if (!preference.score) return;
  for (let afterPrompt: string | null = null; ;) {
    signal?.throwIfAborted();
    let scored = db
      .selectFrom('langfuse_read_records')
      .select(['seq', 'trace_id', 'observation_id', 'prompt_sha256', 'example', 'findings', 'score'])
      .where('dataset_id', '=', datasetId)
      .where('score', 'is not', null);
    if (afterPrompt !== null) scored = scored.where('prompt_sha256', '>', afterPrompt);
    const rows = await bestAndWorstPerPrompt(db, scored, sql`seq`, PAGE * 2);
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
          lineage: { trace_id: best.trace_id, observation_id: best.observation_id, non_preferred_trace_id: worst.trace_id, non_preferred_observation_id: worst.observation_id, kind: 'scores' },
          findings: addCounts(best.findings as Record<string, number>, worst.findings as Record<string, number>),
        },
      };
    }
    if (rows.length < PAGE * 2) return;
    afterPrompt = rows.at(-1)!.prompt_sha256;
  }
}
