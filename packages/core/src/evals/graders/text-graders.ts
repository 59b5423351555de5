import type { z } from 'zod';
import type { ContainsGrader, ExactMatchGrader, NotContainsGrader, NumericToleranceGrader, RegexGrader, StringSimilarityGrader } from './grader-config.js';
import { binary, type CompiledGrader, type GradeSubject } from './grader-types.js';
import { levenshteinSimilarity, normalizeText, wordJaccard } from './text-similarity.js';

type Common = { readonly name: string; readonly weight: number };
const NO_TEXT = 'the model returned no text (tool calls only)';
const clip = (s: string, n = 80) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** Output equals the expected output after normalisation. */
export function exactMatch(c: z.output<typeof ExactMatchGrader>, { name, weight }: Common): CompiledGrader {
  return {
    name,
    type: c.type,
    weight,
    vetoes: false,
    grade(s: GradeSubject) {
      if (s.content === null) return binary(name, false, NO_TEXT);
      const passed = normalizeText(s.content, c.normalize) === normalizeText(s.expectedOutput ?? '', c.normalize);
      return binary(name, passed, passed ? 'output equals the expected output' : 'output differs from the expected output');
    },
  };
}

/** Output contains all (or any) of the values; `all` gives partial credit per value found. */
export function contains(c: z.output<typeof ContainsGrader>, { name, weight }: Common): CompiledGrader {
  const values = c.case_insensitive ? c.values.map((v) => v.toLowerCase()) : c.values;
  return {
    name,
    type: c.type,
    weight,
    vetoes: false,
    grade(s: GradeSubject) {
      if (s.content === null) return binary(name, false, NO_TEXT);
      const text = c.case_insensitive ? s.content.toLowerCase() : s.content;
      const missing = c.values.filter((_, i) => !text.includes(values[i]!));
      const found = values.length - missing.length;
      if (c.match === 'any') return binary(name, found > 0, found > 0 ? `found ${found} of ${values.length} values` : 'found none of the values');
      const passed = missing.length === 0;
      return { grader: name, passed, score: found / values.length, reason: passed ? `found all ${values.length} values` : `missing ${missing.map((m) => JSON.stringify(clip(m, 40))).join(', ')}` };
    },
  };
}

/** Output contains none of the values. */
export function notContains(c: z.output<typeof NotContainsGrader>, { name, weight }: Common): CompiledGrader {
  const values = c.case_insensitive ? c.values.map((v) => v.toLowerCase()) : c.values;
  return {
    name,
    type: c.type,
    weight,
    vetoes: false,
    grade(s: GradeSubject) {
      const text = s.content === null ? '' : c.case_insensitive ? s.content.toLowerCase() : s.content;
      const present = c.values.filter((_, i) => text.includes(values[i]!));
      return binary(name, present.length === 0, present.length === 0 ? 'contains none of the values' : `contains ${present.map((p) => JSON.stringify(clip(p, 40))).join(', ')}`);
    },
  };
}

/** Output matches the regular expression (compiled once per run). */
export function regex(c: z.output<typeof RegexGrader>, { name, weight }: Common): CompiledGrader {
  const re = new RegExp(c.pattern, (c.flags ?? '').replace(/g|y/g, ''));
  return {
    name,
    type: c.type,
    weight,
    vetoes: false,
    grade(s: GradeSubject) {
      if (s.content === null) return binary(name, false, NO_TEXT);
      const passed = re.test(s.content);
      return binary(name, passed, passed ? `matches /${clip(c.pattern, 60)}/` : `does not match /${clip(c.pattern, 60)}/`);
    },
  };
}

const NUMBER_RE = /[-+]?(?:\d+(?:[.,]\d+)*(?:\.\d+)?|\.\d+)(?:e[-+]?\d+)?/gi;

/** The number an answer states: the whole text, or its only number; null when none or several. */
export function parseStatedNumber(text: string): number | null {
  const whole = Number(text.trim());
  if (text.trim() !== '' && Number.isFinite(whole)) return whole;
  const found = text.match(NUMBER_RE) ?? [];
  if (found.length !== 1) return null;
  const n = Number(found[0]!.replace(/,(?=\d{3}\b)/g, ''));
  return Number.isFinite(n) ? n : null;
}

/** Output is a number within tolerance (absolute, or relative to the expected value). */
export function numericTolerance(c: z.output<typeof NumericToleranceGrader>, { name, weight }: Common): CompiledGrader {
  return {
    name,
    type: c.type,
    weight,
    vetoes: false,
    grade(s: GradeSubject) {
      if (s.content === null) return binary(name, false, NO_TEXT);
      const expected = parseStatedNumber(s.expectedOutput ?? '');
      if (expected === null) return binary(name, false, 'the expected output is not a number');
      const actual = parseStatedNumber(s.content);
      if (actual === null) return binary(name, false, 'output is not a number (malformed)');
      const allowed = c.relative ? c.tolerance * Math.abs(expected) : c.tolerance;
      const diff = Math.abs(actual - expected);
      const passed = diff <= allowed + Number.EPSILON * Math.max(1, Math.abs(expected));
      return binary(name, passed, `${actual} vs expected ${expected}: off by ${diff}, ${passed ? 'within' : 'beyond'} ${allowed}`);
    },
  };
}

/** Similarity to the expected output ≥ threshold; the score is the similarity itself. */
export function stringSimilarity(c: z.output<typeof StringSimilarityGrader>, { name, weight }: Common): CompiledGrader {
  const measure = c.metric === 'jaccard' ? wordJaccard : levenshteinSimilarity;
  return {
    name,
    type: c.type,
    weight,
    vetoes: false,
    grade(s: GradeSubject) {
      if (s.content === null) return binary(name, false, NO_TEXT);
      const score = Math.round(measure(s.content, s.expectedOutput ?? '') * 10_000) / 10_000;
      const passed = score >= c.threshold;
      return { grader: name, passed, score, reason: `${c.metric} similarity ${score} ${passed ? '≥' : '<'} ${c.threshold}` };
    },
  };
}
