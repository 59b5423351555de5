import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** A piece of documentation code, with where it came from. */
export interface Snippet {
  /** `README.md:42` or `src/resources/datasets.ts:17`. */
  readonly origin: string;
  readonly code: string;
}

/** The ```ts / ```typescript blocks of a Markdown file. */
export function markdownBlocks(text: string, file: string): Snippet[] {
  const out: Snippet[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i]!.trim())) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end]!.trim() !== '```') end++;
    out.push({ origin: `${file}:${start + 1}`, code: lines.slice(start, end).join('\n') });
    i = end;
  }
  return out;
}

/** The `@example` blocks of the JSDoc comments of a TypeScript file. */
export function exampleBlocks(text: string, file: string): Snippet[] {
  const out: Snippet[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const tag = /^\s*\*\s?@example\b ?(.*)$/.exec(lines[i]!);
    if (!tag) continue;
    const code = tag[1] ? [tag[1]] : [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j]!;
      if (/^\s*\*\//.test(line) || /^\s*\*\s?@\w/.test(line)) break;
      code.push(line.replace(/^\s*\* ?/, ''));
    }
    out.push({ origin: `${file}:${i + 1}`, code: code.join('\n') });
    i = j - 1;
  }
  return out;
}

/** Every `.ts` file under a folder, recursively, as paths relative to `root`. */
export async function typescriptFiles(dir: string, root: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await typescriptFiles(path, root)));
    else if (entry.name.endsWith('.ts')) out.push(relative(root, path));
  }
  return out;
}

/** The @example blocks of every source file under `dir` (generated code excluded). */
export async function sourceExamples(dir: string, root: string): Promise<Snippet[]> {
  const out: Snippet[] = [];
  for (const file of await typescriptFiles(dir, root)) {
    if (file.includes('/generated/')) continue;
    out.push(...exampleBlocks(await readFile(join(root, file), 'utf8'), file));
  }
  return out;
}

/**
 * A snippet as a module: its imports hoisted to the top, the rest inside an async function (so
 * `await` works and names it declares may shadow the prelude's), after the prelude.
 */
export function snippetModule(snippet: Snippet, prelude: string): string {
  const imports: string[] = [];
  const body: string[] = [];
  let inImport = false;
  for (const line of snippet.code.split('\n')) {
    if (inImport || /^import\s/.test(line)) {
      imports.push(line);
      inImport = !/from\s+['"][^'"]+['"];?\s*$/.test(line) && !/^import\s+['"]/.test(line);
    } else {
      body.push(line);
    }
  }
  return [`// ${snippet.origin}`, ...imports, prelude, 'export async function snippet(): Promise<void> {', ...body, '}', ''].join('\n');
}
