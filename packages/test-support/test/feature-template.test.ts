import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Keeps "The feature template" of docs/architecture.md honest: its tables and rules are read from
 * the document and checked against the files of packages/core/src and packages/server/src/routes.
 * Plain file reads and regular expressions only, so it runs in the unit project.
 */
const ROOT = join(import.meta.dirname, '../../..');
const CORE = join(ROOT, 'packages/core/src');
const ROUTES = join(ROOT, 'packages/server/src/routes');
const DOC = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');

/** The lines of one `### title` section of "The feature template". */
function section(title: string): string {
  const template = DOC.slice(DOC.indexOf('## The feature template'));
  const start = template.indexOf(`### ${title}\n`);
  if (start < 0) throw new Error(`docs/architecture.md has no "### ${title}" section`);
  const rest = template.slice(start + title.length + 5);
  const end = rest.search(/\n##/);
  return end < 0 ? rest : rest.slice(0, end);
}

/** The body rows of the first table of a section, each cell as the backticked names it holds. */
function table(title: string): string[][][] {
  return section(title)
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2)
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!)),
    );
}

const backticked = (text: string): string[] => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
const camel = (kebab: string): string => kebab.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const pascal = (name: string): string => name[0]!.toUpperCase() + name.slice(1);
const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const dirs = (path: string): string[] => readdirSync(path).filter((name) => statSync(join(path, name)).isDirectory());
const tsFiles = (path: string): string[] => readdirSync(path).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));

interface Feature {
  readonly folder: string;
  readonly entities: readonly string[];
  readonly stateMachines: readonly string[];
  readonly deps: string;
  readonly property: string;
  readonly routes: readonly string[];
}

const FEATURES: readonly Feature[] = table('Feature map').map(([folder, entities, machines, deps, property, routes]) => ({
  folder: folder![0]!,
  entities: entities!,
  stateMachines: machines!,
  deps: deps![0]!,
  property: property![0]!,
  routes: routes!,
}));
const SERVICES = table('Services').map(([property, file, type, factory]) => ({ property: property![0]!, file: file![0]!, type: type![0]!, factory: factory![0]! }));
const NOT_FEATURES = section('Not features');
const CORE_INFRASTRUCTURE = backticked(NOT_FEATURES.slice(0, NOT_FEATURES.indexOf('Route folders'))).filter((name) => /^[a-z-]+$/.test(name));
const ROUTE_INFRASTRUCTURE = backticked(NOT_FEATURES.slice(NOT_FEATURES.indexOf('Route folders')));

/** Use-case verbs: a file `<verb>-<noun>.ts` whose function is `<verb><Noun>` acts for a caller. */
const CALLER_VERBS = [
  'approve',
  'cancel',
  'compare',
  'create',
  'delete',
  'get',
  'ingest',
  'list',
  'override',
  'pause',
  'poll',
  'rebuild',
  'redeliver',
  'reject',
  'replay',
  'resume',
  'retarget',
  'retire',
  'revoke',
  'rollback',
  'rotate',
  'set',
  'submit',
  'sync',
  'update',
];
/** Use cases that act for no tenant, so they have no ServiceContext to take (operator work). */
const WITHOUT_CALLER = new Set(['listTenants']);

/** The parameter names of an exported function (top-level commas of its parameter list). */
function parameterNames(source: string, name: string): string[] | undefined {
  const match = new RegExp(`export (?:async )?function ${name}\\s*(?:<[^(]*>)?\\(`).exec(source);
  if (!match) return undefined;
  let depth = 0;
  let current = '';
  const params: string[] = [];
  for (let i = match.index + match[0].length; i < source.length; i++) {
    const c = source[i]!;
    if ('([{<'.includes(c)) depth++;
    if (')]}>'.includes(c) && !(c === '>' && source[i - 1] === '=')) {
      if (depth === 0) break;
      depth--;
    }
    if (c === ',' && depth === 0) {
      params.push(current);
      current = '';
    } else current += c;
  }
  if (current.trim()) params.push(current);
  return params.map((p) => p.trim().split(/[?:\s=]/)[0]!);
}

describe('the feature template of docs/architecture.md', () => {
  it('reads its tables from the document', () => {
    expect(FEATURES.length).toBeGreaterThan(10);
    expect(SERVICES.length).toBeGreaterThan(3);
    expect(CORE_INFRASTRUCTURE).toContain('shared');
    expect(ROUTE_INFRASTRUCTURE).toContain('health');
  });

  it('places every core folder: a feature of the map or a folder listed as not a feature', () => {
    const listed = new Set([...FEATURES.map((f) => f.folder), ...CORE_INFRASTRUCTURE]);
    expect(dirs(CORE).filter((d) => !listed.has(d))).toEqual([]);
    expect([...listed].filter((d) => !existsSync(join(CORE, d)))).toEqual([]);
  });

  it('finds in every feature folder its barrel, entities, state machines and deps, and no other of them', () => {
    const problems: string[] = [];
    for (const f of FEATURES) {
      const files = tsFiles(join(CORE, f.folder));
      const listedFiles = [...f.entities, ...f.stateMachines, ...(f.deps === 'db' ? [] : [f.deps]), 'index.ts'];
      for (const file of listedFiles) if (!files.includes(file)) problems.push(`${f.folder}/${file} is in the map but missing`);
      for (const file of files.filter((n) => n.endsWith('-state-machine.ts') || n.endsWith('-deps.ts'))) {
        if (!listedFiles.includes(file) && !/^default-/.test(file)) problems.push(`${f.folder}/${file} is not in the map`);
      }
      for (const machine of f.stateMachines) {
        const entity = machine.replace(/-state-machine\.ts$/, '');
        if (!new RegExp(`export function next${pascal(camel(entity))}Status\\(`).test(readFileSync(join(CORE, f.folder, machine), 'utf8'))) {
          problems.push(`${f.folder}/${machine} exports no next${pascal(camel(entity))}Status`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('names every service <Property>Service, built by create<Property>Service in <property>-service.ts, as ftm.<property>', () => {
    const problems: string[] = [];
    const ftmSource = readFileSync(join(CORE, 'create-ftm.ts'), 'utf8');
    for (const s of SERVICES) {
      const expected = `${pascal(s.property)}Service`;
      if (s.type !== expected) problems.push(`${s.property}: interface ${s.type}, expected ${expected}`);
      if (s.factory !== `create${expected}`) problems.push(`${s.property}: factory ${s.factory}, expected create${expected}`);
      if (!s.file.endsWith(`/${kebab(s.property)}-service.ts`) && s.file !== `${kebab(s.property)}-service.ts`) problems.push(`${s.property}: file ${s.file}`);
      const source = existsSync(join(CORE, s.file)) ? readFileSync(join(CORE, s.file), 'utf8') : '';
      if (!new RegExp(`export interface ${s.type}\\b`).test(source)) problems.push(`${s.file} exports no interface ${s.type}`);
      if (!new RegExp(`export function ${s.factory}\\(`).test(source)) problems.push(`${s.file} exports no function ${s.factory}`);
      if (!new RegExp(`readonly ${s.property}: ${s.type};`).test(ftmSource)) problems.push(`Ftm has no readonly ${s.property}: ${s.type}`);
    }
    const serviceFiles = [...dirs(CORE).flatMap((d) => tsFiles(join(CORE, d)).map((n) => `${d}/${n}`)), ...tsFiles(CORE)].filter((n) => n.endsWith('-service.ts'));
    const listed = new Set(SERVICES.map((s) => s.file));
    // IdempotencyService is the HTTP layer's claim store (a class over one table), not a feature's service.
    for (const file of serviceFiles) if (!listed.has(file) && file !== 'idempotency/idempotency-service.ts') problems.push(`${file} is not in the services table`);
    for (const f of FEATURES) if (!new RegExp(`readonly ${f.property}: `).test(ftmSource)) problems.push(`${f.folder}: Ftm has no ${f.property}`);
    expect(problems).toEqual([]);
  });

  it('gives every use case that acts for a caller the (deps, ctx, ...args) signature', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const f of FEATURES) {
      for (const file of tsFiles(join(CORE, f.folder))) {
        const [verb, ...noun] = file.replace(/\.ts$/, '').split('-');
        if (!CALLER_VERBS.includes(verb!) || noun.length === 0) continue;
        const source = readFileSync(join(CORE, f.folder, file), 'utf8');
        const nounName = pascal(camel(noun.join('-')));
        // The function named after the file, and its siblings on the same noun (decide-approval.ts: approveApproval, rejectApproval).
        const names = [...source.matchAll(/export (?:async )?function (\w+)/g)]
          .map((m) => m[1]!)
          .filter((n) => CALLER_VERBS.some((v) => n.startsWith(v)) && (n.endsWith(nounName) || n.endsWith(nounName.replace(/s$/, ''))));
        if (names.length === 0) problems.push(`${f.folder}/${file} exports no use case named after it`);
        for (const name of names) {
          if (WITHOUT_CALLER.has(name)) continue;
          const params = parameterNames(source, name)!;
          checked++;
          if (!['deps', 'db', 'trx'].includes(params[0]!) || params[1] !== 'ctx') problems.push(`${f.folder}/${file}: ${name}(${params.join(', ')})`);
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(problems).toEqual([]);
  });

  it('keeps open* factories, which acquire resources, in adapters/, db/ and the server runtime', () => {
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [join(dir, e.name)] : []));
    const allowed = [join(CORE, 'adapters'), join(CORE, 'db'), join(ROOT, 'packages/server/src/runtime')];
    const misplaced = ['core', 'server', 'worker']
      .flatMap((p) => walk(join(ROOT, 'packages', p, 'src')))
      .filter((file) => /export (?:async )?function open(?!Ai)[A-Z]/.test(readFileSync(file, 'utf8')))
      .filter((file) => !allowed.some((dir) => file.startsWith(dir)))
      .map((file) => file.slice(ROOT.length + 1));
    expect(misplaced).toEqual([]);
  });

  it('places every route folder, each exporting the plugin <camelCase folder>Routes(app, options)', () => {
    const problems: string[] = [];
    const byRoute = new Map(FEATURES.flatMap((f) => f.routes.map((r) => [r, f] as const)));
    for (const folder of dirs(ROUTES)) {
      const source = readFileSync(join(ROUTES, folder, 'index.ts'), 'utf8');
      const plugins = [...source.matchAll(/export (?:async )?function (\w+Routes)\b/g)].map((m) => m[1]!);
      if (plugins.join() !== `${camel(folder)}Routes`) problems.push(`routes/${folder} exports ${plugins.join() || 'no plugin'}, expected ${camel(folder)}Routes`);
      if (!new RegExp(`export async function ${camel(folder)}Routes\\(app: FastifyInstance, `).test(source)) problems.push(`routes/${folder}: ${camel(folder)}Routes is not an (app, options) plugin`);
      const feature = byRoute.get(folder);
      if (!feature) {
        if (!ROUTE_INFRASTRUCTURE.includes(folder)) problems.push(`routes/${folder} is neither in the feature map nor listed as not a feature`);
        continue;
      }
      if (!/\(app: FastifyInstance, \{ ftm[,} ]/.test(source)) problems.push(`routes/${folder}: the plugin does not take { ftm }`);
      const used = new Set([...source.matchAll(/\bftm\.(\w+)/g)].map((m) => m[1]!));
      for (const property of used) if (property !== feature.property) problems.push(`routes/${folder} calls ftm.${property}, not only ftm.${feature.property}`);
    }
    for (const r of byRoute.keys()) if (!existsSync(join(ROUTES, r))) problems.push(`routes/${r} is in the map but missing`);
    const app = readFileSync(join(ROOT, 'packages/server/src/app.ts'), 'utf8');
    if (/=>\s*\w+Routes\(/.test(app)) problems.push('app.ts wraps a route module in a lambda');
    expect(problems).toEqual([]);
  });
});
