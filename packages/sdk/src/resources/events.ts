import { ApiResource } from '../core/api-resource.js';
import { EventStream, type ReconnectOptions } from '../core/event-stream.js';
import { FtmError } from '../core/errors.js';
import type { Event } from '../generated/schemas.js';

/** Options of `ftm.events.stream`. */
export interface EventStreamOptions extends ReconnectOptions {
  /** Only these event types, e.g. `['ft_job.updated', 'model.promoted']`. */
  readonly types?: readonly string[];
  readonly resourceType?: string;
  readonly resourceId?: string;
  /** Resume after this event (`event.seq` or `stream.lastEventId`); default: only new events. */
  readonly lastEventId?: string | number;
  /** Aborting ends the iteration with ApiUserAbortError. */
  readonly signal?: AbortSignal;
}

/** The live, tenant-scoped event stream (SSE). */
export class Events extends ApiResource {
  /**
   * Opens the event stream: a single-use async iterable that reconnects with Last-Event-ID after a
   * drop and closes the connection when you `break`.
   * @example
   * for await (const event of ftm.events.stream({ types: ['ft_job.updated'], resourceId: job.id })) {
   *   if (['completed', 'failed'].includes(event.data.ft_job?.status)) break;
   * }
   */
  stream(options: EventStreamOptions = {}): EventStream<Event> {
    const query = { types: options.types, resource_type: options.resourceType, resource_id: options.resourceId };
    return new EventStream<Event>(
      (lastEventId, signal) =>
        this.client.send(
          {
            method: 'GET',
            path: '/events',
            query,
            accept: 'text/event-stream',
            headers: lastEventId !== undefined ? { 'last-event-id': lastEventId } : {},
            options: { signal, maxRetries: 0 },
          },
          { timeout: false },
        ),
      (message) => {
        try {
          return JSON.parse(message.data) as Event;
        } catch {
          throw new FtmError(`The event stream sent a frame whose data is not JSON (event ${message.id ?? '?'}).`);
        }
      },
      {
        ...options,
        lastEventId: options.lastEventId === undefined ? undefined : String(options.lastEventId),
      },
    );
  }
}
