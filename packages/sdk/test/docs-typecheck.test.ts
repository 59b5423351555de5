import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import * as sdk from '../src/index.js';
import * as webhooks from '../src/webhooks/index.js';
import { markdownBlocks, snippetModule, sourceExamples, type Snippet } from './support/snippets.js';
import { STRICT_APP_OPTIONS } from './support/strict-app.js';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * Names the doc-comment examples use without defining them: the things a reader already has.
 * README blocks define what they use (the README reads as one app, see below).
 */
const EXAMPLE_PRELUDE = `
import type * as __sdk from '@ftm/sdk';
declare const ftm: __sdk.Ftm;
declare const id: string;
declare const keyId: string;
declare const projectId: string;
declare const baselineRunId: string;
declare const job: __sdk.FtJob;
declare const ds: __sdk.Dataset;
declare const suite: __sdk.EvalSuite;
declare const v: __sdk.ModelVersion;
declare const previous: __sdk.ModelVersion;
declare const records: readonly __sdk.ChatMessage[][];
declare const raw: string;
declare const rawBody: string;
declare const request: Request;
declare const h: Record<string, string>;
declare const event: __sdk.WebhookEvent;
declare const currentSecret: string;
declare const previousSecret: string;
declare const url: string;
declare const signal: AbortSignal;
declare const response: Response;
declare const spinner: { stop(): void };
declare const res: { writeHead(status: number): { end(): void } };
`;

/**
 * What the README's blocks share, in reading order: the first block creates \`ftm\`, later ones use
 * it and the ids the reader has at hand.
 */
const README_PRELUDE = `
import type * as __sdk from '@ftm/sdk';
declare const ftm: __sdk.Ftm;
declare const jobId: string;
declare const datasetId: string;
declare const runId: string;
declare const signal: AbortSignal;
declare const rawBody: string;
declare const request: Request;
`;

/** Imports a snippet needs but does not write: public names of either entry it mentions. */
function autoImports(snippet: Snippet): string {
  const imported = new Set(
    snippet.code
      .match(/^import[^;]*;/gms)
      ?.join(' ')
      .match(/\b\w+\b/g) ?? [],
  );
  const used = (name: string) => new RegExp(`\\b${name}\\b`).test(snippet.code) && !imported.has(name);
  const lines: string[] = [];
  const fromMain = Object.keys(sdk).filter((n) => n !== 'default' && used(n) && !(n in webhooks));
  const fromWebhooks = Object.keys(webhooks).filter(used);
  if (fromMain.length) lines.push(`import { ${fromMain.join(', ')} } from '@ftm/sdk';`);
  if (fromWebhooks.length) lines.push(`import { ${fromWebhooks.join(', ')} } from '@ftm/sdk/webhooks';`);
  return lines.join('\n');
}

let dir: string | undefined;
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Type-checks the given snippets (plus whole files) as one program; returns its diagnostics as text. */
async function typecheck(snippets: { snippet: Snippet; prelude: string }[], files: string[] = []): Promise<string[]> {
  dir ??= await mkdtemp(join(tmpdir(), 'ftm-sdk-snippets-'));
  const roots: string[] = [...files];
  for (const [i, { snippet, prelude }] of snippets.entries()) {
    const file = join(dir, `snippet-${roots.length}-${i}.mts`);
    await writeFile(file, snippetModule(snippet, `${autoImports(snippet)}\n${prelude}`));
    roots.push(file);
  }
  const program = ts.createProgram(roots, STRICT_APP_OPTIONS);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) return message;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    const origin = d.file.text.startsWith('// ') ? d.file.text.slice(3, d.file.text.indexOf('\n')) : d.file.fileName.replace(ROOT, '');
    return `${origin} (line ${line + 1} of the module): ${message}`;
  });
}

/** The TypeScript files of the examples that use the SDK. */
async function sdkExampleFiles(): Promise<string[]> {
  const out: string[] = [];
  for (const example of await readdir(join(ROOT, 'examples'), { withFileTypes: true })) {
    if (!example.isDirectory()) continue;
    const src = join(ROOT, 'examples', example.name, 'src');
    const files = await readdir(src).catch(() => [] as string[]);
    for (const file of files.filter((f) => f.endsWith('.ts'))) {
      if ((await readFile(join(src, file), 'utf8')).includes("'@ftm/sdk")) out.push(join(src, file));
    }
  }
  return out;
}

// A snippet with a wrong field name, compiled with the others: it must fail, so the check can.
const CANARY: Snippet = { origin: 'canary', code: "await ftm.promotions.rollback(id, { reason: 'x' });" };

let result: Promise<string[]> | undefined;
/** Diagnostics of the README blocks, the @examples, the SDK examples and the canary, as one program. */
async function diagnostics(): Promise<string[]> {
  result ??= (async () => {
    const readme = markdownBlocks(await readFile(join(PACKAGE, 'README.md'), 'utf8'), 'packages/sdk/README.md');
    const examples = await sourceExamples(join(PACKAGE, 'src'), PACKAGE);
    const exampleFiles = await sdkExampleFiles();
    expect(readme.length).toBeGreaterThan(5);
    expect(examples.length).toBeGreaterThan(50);
    expect(exampleFiles.length).toBeGreaterThan(0);
    return typecheck(
      [...readme.map((snippet) => ({ snippet, prelude: README_PRELUDE })), ...examples.map((snippet) => ({ snippet, prelude: EXAMPLE_PRELUDE })), { snippet: CANARY, prelude: EXAMPLE_PRELUDE }],
      exampleFiles,
    );
  })();
  return result;
}

describe('SDK documentation compiles in a strict app (strict, exactOptionalPropertyTypes, noUncheckedIndexedAccess, nodenext)', () => {
  it('compiles every code block of packages/sdk/README.md, every @example and every SDK example under examples/', async () => {
    expect((await diagnostics()).filter((d) => !d.startsWith('canary'))).toEqual([]);
  });

  it('fails on a snippet with a wrong field name (the check can fail)', async () => {
    expect((await diagnostics()).filter((d) => d.startsWith('canary')).join('\n')).toMatch(/'reason' does not exist/);
  });
});
