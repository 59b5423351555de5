import { describe, expect, it, vi } from 'vitest';
import { Writable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { createLogger } from '../src/http/logger.js';
import { lazyChildLoggerFactory } from '../src/http/lazy-request-logger.js';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  const parent = createLogger({ level, destination: sink }) as unknown as FastifyBaseLogger;
  return { parent, lines };
}

describe('lazy request logger', () => {
  it('makes no pino child while the request logs nothing at an enabled level', () => {
    const { parent, lines } = capture('warn');
    const child = vi.spyOn(parent, 'child');
    const log = lazyChildLoggerFactory(parent, { reqId: 'r-1' }, {});
    log.info({ route: '/x' }, 'request');
    log.debug('details');
    expect(child).not.toHaveBeenCalled();
    expect(lines).toEqual([]);
  });

  it('logs enabled levels with the request binding and redaction of the parent', () => {
    const { parent, lines } = capture('info');
    const log = lazyChildLoggerFactory(parent, { reqId: 'r-2' }, {});
    log.info({ headers: { authorization: 'Bearer ftm_sk_secret' } }, 'first');
    log.error('second');
    log.debug('hidden');
    expect(lines.map((l) => [l.msg, l.reqId])).toEqual([
      ['first', 'r-2'],
      ['second', 'r-2'],
    ]);
    expect(JSON.stringify(lines)).not.toContain('ftm_sk_secret');
  });

  it('honours a route-level log level and a level change on the request', () => {
    const { parent, lines } = capture('warn');
    const log = lazyChildLoggerFactory(parent, { reqId: 'r-3' }, { level: 'debug' });
    log.debug('route debug');
    expect(log.level).toBe('debug');
    log.level = 'error';
    log.warn('now hidden');
    expect(lines.map((l) => l.msg)).toEqual(['route debug']);
    expect(log.child({ job: 1 }, {})).toBeDefined();
  });
});
