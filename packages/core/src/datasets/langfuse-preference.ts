import { sql } from 'kysely';
import type { LangfusePreference } from './langfuse-source-config.js';
import { readLangfuseGenerations, type LangfuseRead } from './langfuse-source.js';
import type { SourceLine } from './build/line-reader.js';

type Message = Record<string, unknown>;
interface Example {
  readonly messages: Message[];
  readonly tools?: unknown[];
}

const PAGE = 500;

/** A preference record from a prompt and two replies, OpenAI's DPO format (as the otel_spans source writes it). */
function preferenceLine(example: Example, preferred: Message, nonPreferred: Message): string {
  const input: Record<string, unknown> = { messages: example.messages.slice(0, -1) };
  if (example.tools && example.tools.length > 0) input.tools = example.tools;
  return JSON.stringify({ input, preferred_output: [preferred], non_preferred_output: [nonPreferred] });
}

const reply = (example: Example): Message => example.messages[example.messages.length - 1]!;

function addCounts(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = { ...a };
  for (const [type, count] of Object.entries(b)) out[type] = (out[type] ?? 0) + count;
  return out;
}

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
    for (let after = 0; ; ) {
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
        const example = JSON.parse(row.example) as Example;
        const original = reply(example);
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
  for (let afterPrompt: string | null = null; ; ) {
    signal?.throwIfAborted();
    let scored = db.selectFrom('langfuse_read_records').select(['seq', 'trace_id', 'observation_id', 'prompt_sha256', 'example', 'findings', 'score']).where('dataset_id', '=', datasetId).where('score', 'is not', null);
    if (afterPrompt !== null) scored = scored.where('prompt_sha256', '>', afterPrompt);
    const rows = await db
      .with('scored', () => scored)
      .with('ranked', (qc) =>
        qc
          .selectFrom('scored')
          .selectAll()
          .select([
            sql<number>`row_number() over (partition by prompt_sha256 order by score desc, seq)`.as('best'),
            sql<number>`row_number() over (partition by prompt_sha256 order by score asc, seq)`.as('worst'),
            sql<number>`count(*) over (partition by prompt_sha256)`.as('replies'),
          ]),
      )
      .selectFrom('ranked')
      .selectAll()
      .where((eb) => eb.and([eb('replies', '>=', 2), eb.or([eb('best', '=', 1), eb('worst', '=', 1)])]))
      .orderBy('prompt_sha256')
      .orderBy('best')
      .limit(PAGE * 2)
      .execute();
    // Two rows per prompt, best first: an even limit never splits a pair across pages.
    for (let i = 0; i + 1 < rows.length; i += 2) {
      if (line >= max) return;
      const best = rows[i]!;
      const worst = rows[i + 1]!;
      if (Number(best.score) - Number(worst.score) < preference.min_score_gap) continue;
      const bestExample = JSON.parse(best.example) as Example;
      line += 1;
      yield {
        line,
        text: preferenceLine(bestExample, reply(bestExample), reply(JSON.parse(worst.example) as Example)),
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
