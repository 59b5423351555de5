import type { SanitizePolicy, Sanitizer } from '../../sanitization/sanitizer.js';
import type { DatasetFormat } from '../dataset-config.js';
import { parseRecord } from './record-processor.js';
import { applyTextFields, collectTextFields } from './text-fields.js';

/**
 * Sends a batch's text fields to a remote sanitizer in one call and returns the lines with the
 * sanitized texts put back, plus each record's findings. Invalid lines pass through untouched
 * (the processor will reject them again with the same reason).
 */
export async function sanitizeRemotely(lines: readonly string[], format: DatasetFormat, sanitizer: Sanitizer, policy: SanitizePolicy): Promise<{ lines: string[]; findings: Map<string, number>[] }> {
  const parsed = lines.map((line) => parseRecord(line, format));
  const items: { id: string; text: string }[] = [];
  const texts = parsed.map((p, i) => {
    if (!('example' in p)) return [];
    const t = collectTextFields(p.example, format);
    t.forEach((text, k) => items.push({ id: `${i}.${k}`, text }));
    return t;
  });
  const findings = lines.map(() => new Map<string, number>());
  if (items.length > 0) {
    const out = await sanitizer.sanitize(items, policy);
    out.forEach((item, n) => {
      const [i, k] = items[n]!.id.split('.').map(Number) as [number, number];
      texts[i]![k] = item.text;
      for (const f of item.findings) findings[i]!.set(f.type, (findings[i]!.get(f.type) ?? 0) + f.count);
    });
  }
  const sanitized = parsed.map((p, i) => {
    if (!('example' in p)) return lines[i]!;
    applyTextFields(p.example, format, texts[i]!);
    return JSON.stringify(p.example);
  });
  return { lines: sanitized, findings };
}
