import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { TokenEncoding } from '../base-models.js';

/** An encoding's mergeable ranks as gpt-tokenizer takes them: rank i is a string or, where it is not valid UTF-8, its bytes. */
export type MergeableRanks = (string | number[])[];

/**
 * gpt-tokenizer's rank table for an encoding, read as data from the library's own rank module.
 * Importing that module makes every thread that loads it keep the parser's memory for ~2.4 MB of
 * JavaScript; read here, the same literals become one JSON.parse (the RSS saved, measured:
 * docs/datasets.md, "Tuning constants"). Undefined when the module is not in the layout this
 * reader knows (a gpt-tokenizer upgrade): the caller then imports the module as usual.
 */
export async function readMergeableRanks(encoding: TokenEncoding): Promise<MergeableRanks | undefined> {
  let source: string;
  try {
    // The package's main entry is cjs/main.js; its ESM rank modules sit beside, under esm/.
    const main = createRequire(import.meta.url).resolve('gpt-tokenizer');
    source = await readFile(join(dirname(main), '..', 'esm', 'bpeRanks', `${encoding}.js`), 'utf8');
  } catch {
    return undefined;
  }
  return parseRankModule(source);
}

/**
 * The ranks a gpt-tokenizer rank module exports, from its text: a few `const cN = [ ...literals ];`
 * chunks and `const bpe = c0.concat(c1, ...)`. Each chunk is a JSON array once what JavaScript
 * allows in a string and JSON does not is rewritten. Undefined on anything else.
 */
export function parseRankModule(source: string): MergeableRanks | undefined {
  const combined = /^const bpe = (\w+)(?:\.concat\(([\w, ]*)\))?;$/m.exec(source);
  if (!combined) return undefined;
  const names = [combined[1]!, ...(combined[2] ? combined[2].split(',').map((n) => n.trim()) : [])];
  const ranks: MergeableRanks = [];
  for (const name of names) {
    const start = source.indexOf(`\nconst ${name} = [`);
    if (start === -1) return undefined;
    const open = source.indexOf('[', start);
    const close = source.indexOf('\n];', open);
    if (close === -1) return undefined;
    let chunk: unknown;
    try {
      chunk = JSON.parse(literalToJson(source.slice(open, close + 2)));
    } catch {
      return undefined;
    }
    if (!Array.isArray(chunk)) return undefined;
    for (const rank of chunk) {
      if (typeof rank !== 'string' && !(Array.isArray(rank) && rank.every((b) => Number.isInteger(b) && b >= 0 && b <= 255))) return undefined;
      ranks.push(rank as string | number[]);
    }
  }
  return ranks.length > 0 ? ranks : undefined;
}

/**
 * The JSON for an array literal of JavaScript strings and numbers: inside strings, the escapes
 * JavaScript allows and JSON does not (`\xHH`, `\u{H...}`, `\v`, `\0`, `\'`) are rewritten, and
 * raw control characters (a literal tab, say) escaped; everything else is copied as it is.
 */
function literalToJson(literal: string): string {
  const parts: string[] = [];
  let copied = 0; // literal[copied..] is not yet in parts
  let inString = false;
  for (let i = 0; i < literal.length; i++) {
    const c = literal.charCodeAt(i);
    if (c === 0x22) inString = !inString; // an escaped quote never gets here: escapes are skipped whole
    if (!inString) continue;
    if (c < 0x20) {
      parts.push(literal.slice(copied, i), `\\u${c.toString(16).padStart(4, '0')}`);
      copied = i + 1;
    } else if (c === 0x5c) {
      const next = literal[i + 1];
      let end = i + 2; // just past the escape
      let json: string | undefined;
      if (next === 'x') {
        end = i + 4;
        json = `\\u00${literal.slice(i + 2, end)}`;
      } else if (next === 'u' && literal[i + 2] === '{') {
        end = literal.indexOf('}', i) + 1;
        json = JSON.stringify(String.fromCodePoint(parseInt(literal.slice(i + 3, end - 1), 16))).slice(1, -1);
      } else if (next === 'v') json = '\\u000b';
      else if (next === '0') json = '\\u0000';
      else if (next === "'") json = "'";
      if (json !== undefined) {
        parts.push(literal.slice(copied, i), json);
        copied = end;
      }
      i = end - 1;
    }
  }
  parts.push(literal.slice(copied));
  return parts.join('');
}
