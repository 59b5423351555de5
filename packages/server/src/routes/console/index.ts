import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * The console's policy: its own scripts, styles and API only. No inline script or style, no
 * eval, no framing, no plugins, and Trusted Types required, so a string can never become markup
 * or code even if a component tried (record contents are rendered as text).
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** The built console (`@ftm/console`'s dist/), or undefined when it is not installed or not built. */
export function consoleAssetsDir(): string | undefined {
  try {
    const dir = join(dirname(createRequire(import.meta.url).resolve('@ftm/console/package.json')), 'dist');
    return existsSync(join(dir, 'index.html')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `/console`: the web console's static files, every response with the console's CSP and security
 * headers. Hashed assets are cached for a year; the page itself is revalidated, so a new build is
 * picked up at the next load. The console calls only the public API (same origin), with the key
 * the user types in.
 */
export async function consoleRoutes(app: FastifyInstance, { dir }: { dir: string }): Promise<void> {
  // Encapsulated in this plugin: only the console's responses get these headers.
  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.headers(SECURITY_HEADERS);
    done(null, payload);
  });
  // The page, read per request (a small file) so a rebuild is served without a restart.
  // `ignoreTrailingSlash` makes this `/console/` as well.
  app.get('/console', async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(await readFile(join(dir, 'index.html'))),
  );
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/console/',
    decorateReply: false,
    index: false,
    redirect: false,
    dotfiles: 'deny',
    cacheControl: false,
    setHeaders: (res, path) => {
      res.setHeader('cache-control', path.startsWith(join(dir, 'assets')) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}
