import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createPollingEventNotifier, latestEventSeq, parseEventStreamRequest, readEvents, type EventNotifier, type EventStreamFilter, type Ftm, type ServiceContext } from '@ftm/core';
import { eventFrame, SseWriter } from './sse-writer.js';
import '../../http/request-context.js';

/** Options of {@link eventsRoutes}. */
export interface EventsRoutesOptions {
  readonly ftm: Pick<Ftm, 'database' | 'logger'>;
  /** Comment line period that keeps proxies from closing an idle stream; default 15 000 ms. */
  readonly heartbeatMs?: number;
  /** Outbox poll period of the default notifier; default 250 ms. */
  readonly pollIntervalMs?: number;
  /** Wake-up source; default a polling notifier on `ftm.database`, closed with the app. */
  readonly notifier?: EventNotifier;
}

const BATCH = 500;

/**
 * `GET /events`: the tenant's outbox as Server-Sent Events, in seq order, filtered by type and
 * resource, resumable with `Last-Event-ID`, with heartbeats; ends cleanly when the client leaves
 * or the server closes. Register inside the authenticated scope (it reads `request.ctx`).
 */
export async function eventsRoutes(app: FastifyInstance, options: EventsRoutesOptions): Promise<void> {
  const db = options.ftm.database.db;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const ownNotifier = options.notifier === undefined;
  const notifier = options.notifier ?? createPollingEventNotifier(db, { intervalMs: options.pollIntervalMs ?? 250, logger: options.ftm.logger });
  const open = new Set<SseWriter>();

  // Open streams would keep app.close() waiting forever: end them first.
  app.addHook('preClose', async () => {
    for (const writer of open) writer.end();
  });
  if (ownNotifier) app.addHook('onClose', async () => notifier.close());

  app.get('/events', async (request: FastifyRequest, reply: FastifyReply) => {
    const { filter, afterSeq } = parseEventStreamRequest(request.query, request.headers['last-event-id']);
    const ctx = request.ctx;
    const start = afterSeq ?? (await latestEventSeq(db));

    reply.hijack();
    reply.raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const writer = new SseWriter(reply.raw);
    open.add(writer);
    reply.raw.write(': connected\n\n');
    streamEvents({ writer, ctx, filter, start, notifier, db, heartbeatMs, onEnd: () => open.delete(writer), log: request.log });
  });
}

interface StreamState {
  readonly writer: SseWriter;
  readonly ctx: ServiceContext;
  readonly filter: EventStreamFilter;
  readonly start: number;
  readonly notifier: EventNotifier;
  readonly db: EventsRoutesOptions['ftm']['database']['db'];
  readonly heartbeatMs: number;
  readonly onEnd: () => void;
  readonly log: FastifyRequest['log'];
}

/** Pumps events to one client whenever the notifier's mark moves, until the connection ends. */
function streamEvents(state: StreamState): void {
  const { writer, ctx, filter, notifier, db } = state;
  let cursor = state.start;
  let busy = false;
  let again = false;

  const pump = async (): Promise<void> => {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      do {
        again = false;
        const mark = await notifier.highWaterMark();
        for (;;) {
          if (writer.isClosed) return;
          const batch = await readEvents(db, ctx, { ...filter, after_seq: cursor, up_to_seq: mark, limit: BATCH });
          for (const event of batch) {
            await writer.write(eventFrame(event));
            cursor = event.seq;
          }
          if (batch.length < BATCH) break;
        }
        // Everything up to the mark has been read, matching or not: skip it next time.
        cursor = Math.max(cursor, mark);
      } while (again && !writer.isClosed);
    } catch (error) {
      state.log.error({ err: error }, 'event stream failed; closing it so the client resumes');
      writer.end();
    } finally {
      busy = false;
    }
  };

  const unsubscribe = notifier.subscribe(() => void pump());
  const heartbeat = setInterval(() => writer.heartbeat(), state.heartbeatMs);
  const cleanup = () => {
    clearInterval(heartbeat);
    unsubscribe();
    state.onEnd();
  };
  writer.onClose(cleanup);
  void pump();
}
