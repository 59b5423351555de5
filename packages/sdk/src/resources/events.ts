import { ApiResource } from '../core/api-resource.js';
import { EventStream, type ReconnectOptions } from '../core/event-stream.js';
import { FtmError } from '../core/errors.js';
import type { Event, StreamEvent } from '../generated/schemas.js';

/** Options of `ftm.events.stream`. */
export interface EventStreamOptions<T extends string = string> extends ReconnectOptions {
  /** Only these event types, e.g. `['ft_job.updated', 'model.promoted']`; catalogue types type the events. */
  readonly types?: readonly T[] | undefined;
  readonly resourceType?: string | undefined;
  readonly resourceId?: string | undefined;
  /** Resume after this event (`event.seq` or `stream.lastEventId`); default: only new events. */
  readonly lastEventId?: string | number | undefined;
  /** Aborting ends the iteration with ApiUserAbortError. */
  readonly signal?: AbortSignal | undefined;
}

/** An event type of the webhook catalogue (`ft_job.updated`, `model.promoted`, …). */
export type StreamEventType = StreamEvent['type'];

/**
 * What a stream yields: with `types` drawn from the catalogue, exactly those typed events (the
 * server filters by type); otherwise any catalogue event, or an `Event` of another type, whose
 * `data` is untyped. Narrow the latter with `isStreamEvent`.
 */
export type StreamEventOf<T extends string> = string extends T ? StreamEvent | Event : [T] extends [StreamEventType] ? Extract<StreamEvent, { type: T }> : StreamEvent | Event;

/**
 * True when an event has the given catalogue type, narrowing it to that type's typed event.
 * @example
 * for await (const event of ftm.events.stream()) {
 *   if (isStreamEvent(event, 'ft_job.updated')) console.log(event.data.ft_job.status);
 * }
 */
export function isStreamEvent<K extends StreamEventType>(event: StreamEvent | Event, type: K): event is Extract<StreamEvent, { type: K }> {
  return event.type === type;
}

/** The live, tenant-scoped event stream (SSE). */
export class Events extends ApiResource {
  /**
   * Opens the event stream: a single-use async iterable that reconnects with Last-Event-ID after a
   * drop and closes the connection when you `break`. With catalogue `types`, events are typed by
   * `type` like webhooks.
   * @example
   * for await (const event of ftm.events.stream({ types: ['ft_job.updated'], resourceId: job.id })) {
   *   if (event.data.ft_job.status === 'completed' || event.data.ft_job.status === 'failed') break;
   * }
   */
  stream<T extends string = string>(options: EventStreamOptions<T> = {}): EventStream<StreamEventOf<T>> {
    const query = { types: options.types, resource_type: options.resourceType, resource_id: options.resourceId };
    return new EventStream<StreamEventOf<T>>(
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
          return JSON.parse(message.data) as StreamEventOf<T>;
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
