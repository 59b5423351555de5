import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src', import.meta.url));
const PUBLIC_DIRS = ['', 'resources', 'core', 'webhooks'];
// Plumbing the package index does not export, or exports only as types.
const INTERNAL_FILES = new Set([
  'core/api-client.ts',
  'core/api-resource.ts',
  'core/backoff.ts',
  'core/query-string.ts',
  'core/etag-cache.ts',
  'core/wait.ts',
  'core/env.ts',
  'core/request-id.ts',
  'webhooks/event-shape.ts',
  'webhooks/encoding.ts',
  'webhooks/signing-key.ts',
  'webhooks/webhook-headers.ts',
]);

/** Public methods and functions of a source file that lack an `@example` in their JSDoc. */
function undocumented(file: string, text: string): string[] {
  const lines = text.split('\n');
  const missing: string[] = [];
  lines.forEach((line, i) => {
    // A declaration, not a call statement (which ends in `;`, `,` or `)`).
    const method = /^  (?:async \*?|\*)?([a-zA-Z]\w*)(?:<.*>)?\((?!.*[;,)]$)/.exec(line)?.[1];
    const fn = /^export (?:async )?function\*? (\w+)/.exec(line)?.[1];
    const name = method ?? fn;
    if (!name || name === 'constructor') return;
    let j = i - 1;
    while (j >= 0 && lines[j]!.trim().startsWith('@')) j--; // decorators, none today
    const doc: string[] = [];
    if (lines[j]?.trim() === '*/') {
      while (j >= 0 && !lines[j]!.trim().startsWith('/**')) doc.unshift(lines[j--]!);
      doc.unshift(lines[j] ?? '');
    }
    if (!doc.join('\n').includes('@example')) missing.push(`${file}: ${name}`);
  });
  return missing;
}

describe('SDK documentation', () => {
  it('gives every public method and function a JSDoc with an example', async () => {
    const missing: string[] = [];
    for (const dir of PUBLIC_DIRS) {
      for (const entry of await readdir(join(SRC, dir), { withFileTypes: true })) {
        const file = dir ? `${dir}/${entry.name}` : entry.name;
        if (!entry.isFile() || !entry.name.endsWith('.ts') || INTERNAL_FILES.has(file)) continue;
        missing.push(...undocumented(file, await readFile(join(SRC, file), 'utf8')));
      }
    }
    expect(missing).toEqual([]);
  });
});
