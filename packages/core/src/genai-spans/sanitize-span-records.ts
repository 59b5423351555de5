import { collectTextFields, applyTextFields } from '../datasets/build/text-fields.js';
import type { Sanitizer, SanitizeItem } from '../sanitization/sanitizer.js';
import type { GenAiSpanRecord, SpanAttributeValue } from './genai-span-record.js';

/** A record after sanitization, with what was found in it (counts per type). */
export interface SanitizedSpanRecord {
  readonly record: GenAiSpanRecord;
  readonly findings: Readonly<Record<string, number>>;
}

type Slot = { readonly kind: 'example' } | { readonly kind: 'attribute'; readonly key: string; readonly index: number | null };

/**
 * Redacts every free text of the records with the dataset builds' sanitizer (the remote TRiSM
 * when configured, else the built-in detector), in one call per request: the example's texts
 * (content, tool-call arguments leaf by leaf, tool descriptions: the same fields a build
 * sanitizes) and the string values of the kept attributes. Records are rewritten in place.
 */
export async function sanitizeSpanRecords(sanitizer: Sanitizer, records: readonly GenAiSpanRecord[]): Promise<SanitizedSpanRecord[]> {
  const items: SanitizeItem[] = [];
  const owners: { record: number; slot: Slot }[] = [];
  const exampleTexts: string[][] = [];
  records.forEach((record, r) => {
    const texts = collectTextFields(record.example as unknown as Record<string, unknown>, 'jsonl_chat');
    exampleTexts.push(texts);
    for (const text of texts) {
      items.push({ id: String(items.length), text });
      owners.push({ record: r, slot: { kind: 'example' } });
    }
    for (const [key, value] of Object.entries(record.attributes)) {
      if (typeof value === 'string') {
        items.push({ id: String(items.length), text: value });
        owners.push({ record: r, slot: { kind: 'attribute', key, index: null } });
      } else if (Array.isArray(value)) {
        value.forEach((v, index) => {
          if (typeof v !== 'string') return;
          items.push({ id: String(items.length), text: v });
          owners.push({ record: r, slot: { kind: 'attribute', key, index } });
        });
      }
    }
  });
  const sanitized = items.length > 0 ? await sanitizer.sanitize(items, 'redact') : [];
  const findings: Record<string, number>[] = records.map(() => ({}));
  const redactedTexts: string[][] = records.map(() => []);
  sanitized.forEach((item, i) => {
    const owner = owners[i]!;
    for (const f of item.findings) if (f.count > 0) findings[owner.record]![f.type] = (findings[owner.record]![f.type] ?? 0) + f.count;
    const record = records[owner.record]!;
    const slot = owner.slot;
    if (slot.kind === 'example') {
      redactedTexts[owner.record]!.push(item.text);
    } else if (slot.index === null) {
      record.attributes[slot.key] = item.text;
    } else {
      const list = [...(record.attributes[slot.key] as readonly (string | number | boolean)[])];
      list[slot.index] = item.text;
      record.attributes[slot.key] = list as SpanAttributeValue;
    }
  });
  records.forEach((record, r) => {
    if (exampleTexts[r]!.length > 0) applyTextFields(record.example as unknown as Record<string, unknown>, 'jsonl_chat', redactedTexts[r]!);
  });
  return records.map((record, r) => ({ record, findings: findings[r]! }));
}
