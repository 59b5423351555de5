import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ChatExample } from '../genai-spans/conversation/read-conversation.js';
import type { LangfuseFilterCondition, LangfuseObservation, LangfusePage, LangfuseScore } from '../langfuse/langfuse-client.js';
import { generationToExample } from '../langfuse/langfuse-generation-example.js';
import type { Sanitizer, SanitizeItem } from '../sanitization/sanitizer.js';
import { canonicalSha256 } from '../shared/canonical-json.js';
import { LANGFUSE_PAGE_SIZE, type LangfuseFilters, type LangfusePreference, type LangfuseScoreFilter } from './langfuse-source-config.js';
import type { SourceLine } from './build/line-reader.js';
import { collectTextFields, applyTextFields } from './build/text-fields.js';

/** The two list calls a read makes (LangfuseClient, or a test double speaking the same shapes). */
export interface LangfuseReader {
  observations(input: { filter: readonly LangfuseFilterCondition[]; limit: number; cursor: string | null }, signal?: AbortSignal): Promise<LangfusePage<LangfuseObservation>>;
  scores(input: { traceIds: readonly string[]; names: readonly string[]; cursor: string | null }, signal?: AbortSignal): Promise<LangfusePage<LangfuseScore>>;
}

/** One dataset version's read of Langfuse. */
export interface LangfuseRead {
  readonly db: Kysely<DB>;
  readonly sanitizer: Sanitizer;
  readonly reader: LangfuseReader;
  readonly tenantId: string;
  readonly datasetId: string;
  readonly filters: LangfuseFilters;
  readonly score: LangfuseScoreFilter | null;
  readonly preference: LangfusePreference | null;
  readonly pageSize?: number;
}

/** A kept generation, sanitized, as it is staged. */
export interface StagedGeneration {
  readonly seq: number;
  readonly trace_id: string;
  readonly observation_id: string;
  readonly prompt_sha256: string;
  readonly score: number | null;
  readonly correction: string | null;
  readonly example: string;
  readonly findings: Record<string, number>;
}

/** The `filter` parameter for the dataset's filters: generations only, then each filter given. */
export function observationFilter(f: LangfuseFilters): LangfuseFilterCondition[] {
  const out: LangfuseFilterCondition[] = [{ type: 'string', column: 'type', operator: '=', value: 'GENERATION' }];
  if (f.names) out.push({ type: 'stringOptions', column: 'name', operator: 'any of', value: f.names });
  if (f.user_ids) out.push({ type: 'stringOptions', column: 'userId', operator: 'any of', value: f.user_ids });
  if (f.environments) out.push({ type: 'stringOptions', column: 'environment', operator: 'any of', value: f.environments });
  if (f.tags) out.push({ type: 'arrayOptions', column: 'tags', operator: f.tags_match === 'all' ? 'all of' : 'any of', value: f.tags });
  if (f.since) out.push({ type: 'datetime', column: 'startTime', operator: '>=', value: new Date(f.since).toISOString() });
  if (f.until) out.push({ type: 'datetime', column: 'startTime', operator: '<', value: new Date(f.until).toISOString() });
  return out;
}

function scoreNames(read: LangfuseRead): string[] {
  return [...new Set([read.score?.name, read.preference?.score, read.preference?.correction_score].filter((n): n is string => n !== undefined))];
}

/** Every named score of the page's traces (all score pages). */
async function scoresOf(read: LangfuseRead, generations: readonly LangfuseObservation[], signal?: AbortSignal): Promise<LangfuseScore[]> {
  const names = scoreNames(read);
  const traceIds = [...new Set(generations.map((g) => g.traceId).filter((t): t is string => typeof t === 'string' && t !== ''))];
  if (names.length === 0 || traceIds.length === 0) return [];
  const scores: LangfuseScore[] = [];
  let cursor: string | null = null;
  do {
    const page: LangfusePage<LangfuseScore> = await read.reader.scores({ traceIds, names, cursor }, signal);
    scores.push(...page.data);
    cursor = page.cursor;
  } while (cursor);
  return scores;
}

/** A generation's own scores of a name, else its trace's. */
function scoresFor(generation: LangfuseObservation, scores: readonly LangfuseScore[], name: string): LangfuseScore[] {
  const named = scores.filter((s) => s.name === name && s.subject);
  const own = named.filter((s) => s.subject!.kind === 'observation' && s.subject!.id === generation.id);
  return own.length > 0 ? own : named.filter((s) => s.subject!.kind === 'trace' && s.subject!.id === generation.traceId);
}

function meanScore(generation: LangfuseObservation, scores: readonly LangfuseScore[], name: string | undefined): number | null {
  if (!name) return null;
  const values = scoresFor(generation, scores, name).flatMap((s) => (s.dataType === 'NUMERIC' && typeof s.value === 'number' ? [s.value] : []));
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

function correctionOf(generation: LangfuseObservation, scores: readonly LangfuseScore[], name: string | undefined): string | null {
  if (!name) return null;
  const found = scoresFor(generation, scores, name).find((s) => s.dataType === 'CORRECTION' && typeof s.value === 'string' && s.value.trim() !== '');
  return found ? (found.value as string) : null;
}

interface Kept {
  readonly generation: LangfuseObservation;
  readonly example: ChatExample;
  readonly score: number | null;
  correction: string | null;
  findings: Record<string, number>;
}

/** Redacts the examples' texts and corrections with the builds' sanitizer, in one call per page. */
async function sanitize(sanitizer: Sanitizer, kept: Kept[]): Promise<void> {
  const items: SanitizeItem[] = [];
  const owners: { k: number; correction: boolean }[] = [];
  const texts = kept.map((k, i) => {
    const list = collectTextFields(k.example as unknown as Record<string, unknown>, 'jsonl_chat');
    for (const text of list) {
      items.push({ id: String(items.length), text });
      owners.push({ k: i, correction: false });
    }
    if (k.correction !== null) {
      items.push({ id: String(items.length), text: k.correction });
      owners.push({ k: i, correction: true });
    }
    return list.length;
  });
  if (items.length === 0) return;
  const redacted: string[][] = kept.map(() => []);
  (await sanitizer.sanitize(items, 'redact')).forEach((item, i) => {
    const owner = owners[i]!;
    const k = kept[owner.k]!;
    for (const f of item.findings) if (f.count > 0) k.findings[f.type] = (k.findings[f.type] ?? 0) + f.count;
    if (owner.correction) k.correction = item.text;
    else redacted[owner.k]!.push(item.text);
  });
  kept.forEach((k, i) => {
    if (texts[i]! > 0) applyTextFields(k.example as unknown as Record<string, unknown>, 'jsonl_chat', redacted[i]!);
  });
}

const promptDigest = (e: ChatExample): string => canonicalSha256({ messages: e.messages.slice(0, e.messages.length - 1), tools: e.tools ?? null });

/** The generations of one page worth keeping: a reply recorded, and (with a score filter) well scored. */
function keep(read: LangfuseRead, generations: readonly LangfuseObservation[], scores: readonly LangfuseScore[]): Kept[] {
  const kept: Kept[] = [];
  for (const generation of generations) {
    if (generation.type !== undefined && generation.type !== 'GENERATION') continue;
    const example = generationToExample(generation);
    if (!example) continue;
    if (read.score) {
      const value = meanScore(generation, scores, read.score.name);
      if (value === null || value < read.score.min_value) continue;
    }
    kept.push({ generation, example, score: meanScore(generation, scores, read.preference?.score), correction: correctionOf(generation, scores, read.preference?.correction_score), findings: {} });
  }
  return kept;
}

const REPLAY_PAGE = 500;

/**
 * The generations a dataset version reads, in read order, each sanitized and staged before it is
 * yielded. A page and where the next one starts are written in one transaction, so a read cut
 * off (a Langfuse outage, a crash) replays what it staged and continues from the saved cursor.
 */
export async function* readLangfuseGenerations(read: LangfuseRead, signal?: AbortSignal): AsyncGenerator<StagedGeneration> {
  const { db } = read;
  await db
    .insertInto('langfuse_reads')
    .values({ dataset_id: read.datasetId, tenant_id: read.tenantId })
    .onConflict((oc) => oc.column('dataset_id').doNothing())
    .execute();
  for (let after = 0; ;) {
    const rows = await db.selectFrom('langfuse_read_records').selectAll().where('dataset_id', '=', read.datasetId).where('seq', '>', after).orderBy('seq').limit(REPLAY_PAGE).execute();
    for (const { tenant_id: _, ...row } of rows) yield { ...row, findings: row.findings as Record<string, number> };
    if (rows.length < REPLAY_PAGE) break;
    after = rows.at(-1)!.seq;
  }
  let state = await db.selectFrom('langfuse_reads').selectAll().where('dataset_id', '=', read.datasetId).executeTakeFirstOrThrow();
  const max = read.filters.max_records ?? Number.POSITIVE_INFINITY;
  const filter = observationFilter(read.filters);
  while (!state.done) {
    signal?.throwIfAborted();
    const page = await read.reader.observations({ filter, limit: read.pageSize ?? LANGFUSE_PAGE_SIZE, cursor: state.next_cursor }, signal);
    const kept = keep(read, page.data, await scoresOf(read, page.data, signal)).slice(0, Math.max(0, max - state.records));
    await sanitize(read.sanitizer, kept);
    const staged: StagedGeneration[] = kept.map((k, i) => ({
      seq: state.records + i + 1,
      trace_id: k.generation.traceId ?? '',
      observation_id: k.generation.id,
      prompt_sha256: promptDigest(k.example),
      score: k.score,
      correction: k.correction,
      example: JSON.stringify(k.example),
      findings: k.findings,
    }));
    const records = state.records + staged.length;
    const done = page.cursor === null || records >= max;
    state = await db.transaction().execute(async (trx) => {
      if (staged.length > 0) {
        await trx
          .insertInto('langfuse_read_records')
          .values(staged.map((s) => ({ ...s, dataset_id: read.datasetId, tenant_id: read.tenantId, findings: JSON.stringify(s.findings) })))
          .execute();
      }
      return trx
        .updateTable('langfuse_reads')
        .set((eb) => ({ next_cursor: done ? null : page.cursor, pages: eb('pages', '+', 1), records, done, updated_at: new Date() }))
        .where('dataset_id', '=', read.datasetId)
        .returningAll()
        .executeTakeFirstOrThrow();
    });
    yield* staged;
  }
}

/** The read as `jsonl_chat` lines with lineage to Langfuse's trace and observation ids. */
export async function* langfuseChatLines(read: LangfuseRead, signal?: AbortSignal): AsyncGenerator<SourceLine> {
  for await (const g of readLangfuseGenerations(read, signal)) {
    yield { line: g.seq, text: g.example, ref: { lineage: { trace_id: g.trace_id, observation_id: g.observation_id }, findings: g.findings } };
  }
}

/** Forgets a finished version's read (what was staged, and the cursor). */
export async function clearLangfuseRead(db: Kysely<DB>, datasetId: string): Promise<void> {
  await db.deleteFrom('langfuse_reads').where('dataset_id', '=', datasetId).execute();
}
