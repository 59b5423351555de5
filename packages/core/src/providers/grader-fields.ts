import type { FieldError } from '../shared/errors.js';

/** A data field a reinforcement grader reads, and where in the grader it does. */
export interface GraderFieldReference {
  readonly field: string;
  /** Dotted path inside the grader (`reference`, `graders.accuracy.input.0.content`). */
  readonly path: string;
}

// `{{ item.answer }}`, `{{item.answer.value}}`: the template namespace of the data line.
const TEMPLATE_ITEM = /\{\{\s*item\.([A-Za-z_][A-Za-z0-9_]*)/g;
// Python graders get the line as `item`: `item["answer"]`, `item['answer']`, `item.get("answer")`.
const PYTHON_ITEM = /\bitem\s*(?:\[\s*["']([^"']+)["']\s*\]|\.get\(\s*["']([^"']+)["'])/g;

/** Every `item.<field>` a grader definition reads, from its templates and Python source. */
export function graderFieldReferences(grader: unknown): GraderFieldReference[] {
  const found: GraderFieldReference[] = [];
  const visit = (value: unknown, path: string[]): void => {
    if (typeof value === 'string') {
      const where = path.join('.');
      for (const m of value.matchAll(TEMPLATE_ITEM)) found.push({ field: m[1]!, path: where });
      for (const m of value.matchAll(PYTHON_ITEM)) found.push({ field: (m[1] ?? m[2])!, path: where });
      return;
    }
    if (Array.isArray(value)) value.forEach((v, i) => visit(v, [...path, String(i)]));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
  };
  visit(grader, []);
  return found;
}

/** Field errors for each field the grader reads that the dataset's records cannot have. */
export function graderFieldErrors(grader: unknown, recordKeys: ReadonlySet<string>, format: string): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (const ref of graderFieldReferences(grader)) {
    if (recordKeys.has(ref.field) || seen.has(`${ref.path}\u0000${ref.field}`)) continue;
    seen.add(`${ref.path}\u0000${ref.field}`);
    errors.push({
      path: ref.path ? `grader.${ref.path}` : 'grader',
      message: `reads item.${ref.field}, which ${format} records do not have (they have ${[...recordKeys].join(', ')})`,
    });
  }
  return errors;
}
