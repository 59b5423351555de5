import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildConsole, CONSOLE_PACKAGE } from './support/build-console.js';

const DIST = join(CONSOLE_PACKAGE, 'dist');
const INITIAL_JS_BUDGET = 100 * 1024;

interface Manifest {
  readonly entry: string;
  readonly css: string | null;
  readonly initial: readonly string[];
}

const fileOf = (url: string) => join(DIST, url.replace(/^\/console\//, ''));

let manifest: Manifest;
let html: string;

beforeAll(() => {
  buildConsole();
  manifest = JSON.parse(readFileSync(join(DIST, 'manifest.json'), 'utf8')) as Manifest;
  html = readFileSync(join(DIST, 'index.html'), 'utf8');
});

describe('the built console', () => {
  it('loads at most 100 KB of gzipped JavaScript before the first page shows', () => {
    const gzipped = manifest.initial.reduce((sum, url) => sum + gzipSync(readFileSync(fileOf(url)), { level: 9 }).length, 0);
    expect(manifest.initial).toContain(manifest.entry);
    expect(gzipped).toBeGreaterThan(5 * 1024);
    expect(gzipped).toBeLessThanOrEqual(INITIAL_JS_BUDGET);
  });

  it('has no inline script, inline style or event handler attribute in its page', () => {
    expect(html).toContain(`<script type="module" src="${manifest.entry}"></script>`);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style/);
    expect(html).not.toMatch(/\s(on[a-z]+|style)=/i);
  });

  it('never asks for markup from a string in its own code (the CSP makes Trusted Types forbid it at run time too)', () => {
    const offenders = sourceFiles(join(CONSOLE_PACKAGE, 'src')).filter((file) =>
      /dangerouslySetInnerHTML|\.innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function\(/.test(readFileSync(file, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));
}
