import type { DatasetFormat } from '../db/schema.js';

/**
 * Which dataset formats can be rewritten into which without losing a training signal. Only
 * prompt/completion pairs become chat (one user turn, one assistant turn); chat cannot become a
 * single pair without dropping turns, and preference pairs train DPO only.
 */
const CONVERSIONS: Readonly<Partial<Record<DatasetFormat, readonly DatasetFormat[]>>> = {
  jsonl_prompt_completion: ['jsonl_chat'],
};

/** The formats a dataset of `from` can be converted to for training (empty when none). */
export function convertibleTo(from: DatasetFormat): readonly DatasetFormat[] {
  return CONVERSIONS[from] ?? [];
}

/** One record of `from` as a record of `to`; throws on a pair with no conversion or a record that is not an object. */
export function convertTrainingRecord(from: DatasetFormat, to: DatasetFormat, record: unknown): Record<string, unknown> {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) throw new TypeError('a training record must be a JSON object');
  const r = record as Record<string, unknown>;
  if (from === to) return r;
  if (from === 'jsonl_prompt_completion' && to === 'jsonl_chat') {
    return {
      messages: [
        { role: 'user', content: r.prompt },
        { role: 'assistant', content: r.completion },
      ],
    };
  }
  throw new TypeError(`no conversion from ${from} to ${to}`);
}

/**
 * Rewrites a JSONL stream of `from` records as `to` records, line by line, so a file of any size
 * streams through without being held in memory. Blank lines are dropped.
 */
export async function* convertTrainingFile(from: DatasetFormat, to: DatasetFormat, source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending = '';
  const convertLine = (line: string): Uint8Array | null => (line.trim() === '' ? null : encoder.encode(`${JSON.stringify(convertTrainingRecord(from, to, JSON.parse(line)))}\n`));
  for await (const chunk of source) {
    pending += decoder.decode(chunk, { stream: true });
    let nl = pending.indexOf('\n');
    while (nl !== -1) {
      const out = convertLine(pending.slice(0, nl));
      if (out) yield out;
      pending = pending.slice(nl + 1);
      nl = pending.indexOf('\n');
    }
  }
  pending += decoder.decode();
  const last = convertLine(pending);
  if (last) yield last;
}
