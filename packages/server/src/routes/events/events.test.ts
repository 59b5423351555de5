import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPollingEventNotifier, openPglite, recordEvent, silentLogger, systemClock, uuidv7, uuidv7Generator, type EventNotifier, type FtmDatabase, type ServiceContext } from '@ftm/core';
import { problemFor } from '../../http/problem.js';
import { eventsRoutes } from './index.js';

let database: FtmDatabase;
let app: FastifyInstance;
let baseUrl: string;
let subscribers = 0;
const tenants: Record<'a' | 'b', ServiceContext> = {} as never;

function context(tenantId: string): ServiceContext {
  return { tenantId, projectId: null, actor: { type: 'api_key', id: 'k', role: 'member' }, requestId: `req-${uuidv7()}`, clock: systemClock, ids: uuidv7Generator, logger: silentLogger };
}

async function emit(ctx: ServiceContext, type: string, resourceId: string | null = null): Promise<void> {
  await database.db.transaction().execute((trx) => recordEvent(trx, ctx, { type, resourceType: type.split('.')[0]!, resourceId, payload: { type } }));
}

/** Counts subscriptions so tests can see a stream let go of the notifier. */
function countingNotifier(inner: EventNotifier): EventNotifier {
  return {
    highWaterMark: () => inner.highWaterMark(),
    subscribe(listener) {
      subscribers++;
      const off = inner.subscribe(listener);
      return () => {
        subscribers--;
        off();
      };
    },
    close: () => inner.close(),
  };
}

interface Frame {
  readonly id?: string;
  readonly event?: string;
  readonly data?: string;
  readonly comment?: string;
}

/** Opens the stream and returns a reader of parsed frames. */
async function connect(tenant: 'a' | 'b', query = '', headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/events${query}`, { headers: { 'x-tenant': tenants[tenant].tenantId, ...headers }, signal: controller.signal });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const frames: Frame[] = [];
  async function next(predicate: (f: Frame) => boolean = (f) => f.event !== undefined): Promise<Frame> {
    for (;;) {
      const index = frames.findIndex(predicate);
      if (index >= 0) return frames.splice(0, index + 1).pop()!;
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended');
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const frame: Record<string, string> = {};
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) frame.comment = line.slice(1).trim();
          else frame[line.slice(0, line.indexOf(':'))] = line.slice(line.indexOf(':') + 1).trim();
        }
        frames.push(frame);
      }
    }
  }
  return { response, next, close: () => controller.abort() };
}

beforeAll(async () => {
  database = await openPglite();
  await database.migrate();
  for (const key of ['a', 'b'] as const) {
    const id = uuidv7();
    await database.db
      .insertInto('tenants')
      .values({ id, name: `tenant-${key}-${id}` })
      .execute();
    tenants[key] = context(id);
  }
  app = Fastify();
  app.setErrorHandler(async (error, request, reply) => {
    const { problem, headers } = problemFor(error, request.id);
    return reply.code(problem.status).headers(headers).type('application/problem+json').send(problem);
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    const tenantId = request.headers['x-tenant'] as string;
    request.ctx = tenantId === tenants.a.tenantId ? tenants.a : tenants.b;
  });
  const notifier = countingNotifier(createPollingEventNotifier(database.db, { intervalMs: 10, gapGraceMs: 0 }));
  await app.register(eventsRoutes, { ftm: { database, logger: silentLogger }, heartbeatMs: 30, notifier });
  await app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await app.close();
  await database.close();
});

describe('GET /events', () => {
  it("streams new events of the caller's tenant as id/event/data frames", async () => {
    await emit(tenants.a, 'dataset.created'); // before connecting: not replayed
    const stream = await connect('a');
    expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.response.headers.get('x-request-id')).toBeTruthy();
    await emit(tenants.b, 'ft_job.updated');
    await emit(tenants.a, 'model.promoted');
    const frame = await stream.next();
    const data = JSON.parse(frame.data!);
    expect(frame.event).toBe('model.promoted');
    expect(frame.id).toBe(String(data.seq));
    expect(data).toMatchObject({ type: 'model.promoted', resource_type: 'model', resource_id: null, project_id: null, data: { type: 'model.promoted' } });
    expect(Object.keys(data).sort()).toEqual(['created_at', 'data', 'id', 'project_id', 'request_id', 'resource_id', 'resource_type', 'seq', 'type']);
    stream.close();
  });

  it('replays every later event first when resumed with Last-Event-ID', async () => {
    const first = await connect('a');
    await emit(tenants.a, 'ft_job.updated');
    const seen = await first.next();
    first.close();
    await emit(tenants.a, 'eval.completed');
    await emit(tenants.a, 'dataset.failed');
    const resumed = await connect('a', '', { 'last-event-id': seen.id! });
    expect((await resumed.next()).event).toBe('eval.completed');
    expect((await resumed.next()).event).toBe('dataset.failed');
    resumed.close();
  });

  it('filters by types and resource id', async () => {
    const target = uuidv7();
    const stream = await connect('a', `?types=ft_job.updated,model.promoted&resource_id=${target}`);
    await emit(tenants.a, 'ft_job.updated', uuidv7());
    await emit(tenants.a, 'dataset.created', target);
    await emit(tenants.a, 'ft_job.updated', target);
    const frame = await stream.next();
    expect(frame.event).toBe('ft_job.updated');
    expect(JSON.parse(frame.data!).resource_id).toBe(target);
    stream.close();
  });

  it('sends heartbeat comments while idle', async () => {
    const stream = await connect('b');
    expect((await stream.next((f) => f.comment === 'heartbeat')).comment).toBe('heartbeat');
    stream.close();
  });

  it('refuses a malformed Last-Event-ID with a 400 problem', async () => {
    const response = await app.inject({ method: 'GET', url: '/events', headers: { 'x-tenant': tenants.a.tenantId, 'last-event-id': 'yesterday' } });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.json()).toMatchObject({ code: 'validation_failed' });
  });

  it('refuses an unknown event type filter with a 400 problem', async () => {
    const response = await app.inject({ method: 'GET', url: '/events?types=Robert%27);DROP', headers: { 'x-tenant': tenants.a.tenantId } });
    expect(response.statusCode).toBe(400);
  });

  it('lets go of the notifier when clients disconnect', async () => {
    // Every stream of the earlier tests was closed by its client.
    await expect.poll(() => subscribers).toBe(0);
    const stream = await connect('a');
    await stream.next((f) => f.comment === 'heartbeat');
    expect(subscribers).toBe(1);
    stream.close();
    await expect.poll(() => subscribers).toBe(0);
  });

  it('ends open streams when the server closes', async () => {
    const other = Fastify();
    other.addHook('onRequest', async (request) => {
      request.ctx = tenants.a;
    });
    await other.register(eventsRoutes, { ftm: { database, logger: silentLogger }, pollIntervalMs: 10 });
    await other.listen({ port: 0, host: '127.0.0.1' });
    const response = await fetch(`http://127.0.0.1:${(other.server.address() as AddressInfo).port}/events`);
    const reader = response.body!.getReader();
    await reader.read(); // ': connected'
    await other.close();
    let done = false;
    while (!done) done = (await reader.read()).done;
    expect(done).toBe(true);
  });
});
