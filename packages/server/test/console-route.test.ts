import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { CONSOLE_CSP, consoleRoutes } from '../src/routes/console/index.js';

// The route plugin over a stand-in build (its page and one hashed asset); the real build is
// served and driven in packages/console/test/console-in-chromium.test.ts.
let dir: string;
let app: FastifyInstance;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ftm-console-dist-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><script type="module" src="/console/assets/app-ABC.js"></script>');
  await writeFile(join(dir, 'assets', 'app-ABC.js'), 'export {};');
  await writeFile(join(dir, '.secret'), 'no');
  app = Fastify({ routerOptions: { ignoreTrailingSlash: true } });
  await app.register(consoleRoutes, { dir });
  app.get('/healthz', async () => ({ ok: true }));
});
afterAll(async () => {
  await app?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('/console', () => {
  it('serves the page at /console and /console/ with the strict policy, revalidated on every load', async () => {
    for (const url of ['/console', '/console/']) {
      const r = await app.inject(url);
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect(r.headers['cache-control']).toBe('no-cache');
      expect(r.headers['x-frame-options']).toBe('DENY');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('allows only its own scripts, styles and API: no inline script, no eval, no framing', () => {
    const directives = Object.fromEntries(CONSOLE_CSP.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
    expect(directives).toMatchObject({
      'default-src': "'none'",
      'script-src': "'self'",
      'style-src': "'self'",
      'connect-src': "'self'",
      'frame-ancestors': "'none'",
      'base-uri': "'none'",
      'require-trusted-types-for': "'script'",
    });
    expect(CONSOLE_CSP).not.toMatch(/unsafe-|\*|https?:/);
  });

  it('serves hashed assets as immutable, with the same policy, and refuses dotfiles and unknown files', async () => {
    const asset = await app.inject('/console/assets/app-ABC.js');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect([403, 404]).toContain((await app.inject('/console/.secret')).statusCode);
    expect((await app.inject('/console/assets/nope.js')).statusCode).toBe(404);
    expect((await app.inject('/console/../package.json')).statusCode).toBe(404);
  });

  it('adds its headers to its own responses only', async () => {
    const r = await app.inject('/healthz');
    expect(r.headers['content-security-policy']).toBeUndefined();
  });
});

describe('FTM_CONSOLE', () => {
  it('is on by default and off with FTM_CONSOLE=off', () => {
    expect(loadConfig({}).console).toBe(true);
    expect(loadConfig({ FTM_CONSOLE: 'on' }).console).toBe(true);
    expect(loadConfig({ FTM_CONSOLE: 'off' }).console).toBe(false);
  });

  it('refuses another value, naming the variable', () => {
    expect(() => loadConfig({ FTM_CONSOLE: 'no' })).toThrow(ConfigError);
    expect(() => loadConfig({ FTM_CONSOLE: 'no' })).toThrow(/FTM_CONSOLE: must be on or off/);
  });
});

describe('FTM_SIMULATED_FT_SECONDS', () => {
  it('sets how long a simulated fine-tuning job takes, in whole seconds from 4 to 3600', () => {
    expect(loadConfig({}).simulatedFtSeconds).toBeUndefined();
    expect(loadConfig({ FTM_SIMULATED_FT_SECONDS: '8' }).simulatedFtSeconds).toBe(8);
    expect(() => loadConfig({ FTM_SIMULATED_FT_SECONDS: '2' })).toThrow(/FTM_SIMULATED_FT_SECONDS: must be at least 4/);
    expect(() => loadConfig({ FTM_SIMULATED_FT_SECONDS: '1.5' })).toThrow(/FTM_SIMULATED_FT_SECONDS: must be a whole number of seconds/);
  });
});
