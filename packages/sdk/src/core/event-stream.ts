import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { sleep } from './backoff.js';
import { requestIdOf } from './request-id.js';
import { ApiConnectionError, ApiError, ApiUserAbortError, FtmError } from './errors.js';

/** Reconnection policy of an event stream. */
export interface ReconnectOptions {
  /** Consecutive failed connections tolerated before the stream throws; default 10. */
  readonly maxReconnects?: number | undefined;
  /** First reconnect delay (a server `retry:` field replaces it); default 500 ms. */
  readonly reconnectDelayMs?: number | undefined;
  /** Longest reconnect delay; default 10 000 ms. */
  readonly maxReconnectDelayMs?: number | undefined;
  /** Reconnect when nothing (not even a heartbeat) arrived for this long; default 45 000 ms. */
  readonly idleTimeoutMs?: number | undefined;
}

/** Opens one connection: `lastEventId` goes in the `Last-Event-ID` header. */
export type StreamOpener = (lastEventId: string | undefined, signal: AbortSignal) => Promise<Response>;

/**
 * A server-sent event stream: single-use async iterable that reconnects with `Last-Event-ID`
 * after a dropped connection and aborts its request when the consumer stops iterating.
 * @example
 * for await (const event of ftm.events.stream({ types: ['ft_job.updated'] })) {
 *   console.log(event.seq, event.type, event.data.previous_status, '→', event.data.ft_job.status);
 *   if (event.data.ft_job.status === 'completed') break; // closes the connection
 * }
 */
export class EventStream<T> implements AsyncIterable<T> {
  private used = false;
  private lastId: string | undefined;
  /** The first connection, when `withResponse()` opened it before iteration. */
  private opened: { readonly response: Promise<Response>; readonly connection: AbortController } | undefined;

  constructor(
    private readonly open: StreamOpener,
    private readonly decode: (message: EventSourceMessage) => T,
    private readonly options: ReconnectOptions & { readonly lastEventId?: string | undefined; readonly signal?: AbortSignal | undefined } = {},
  ) {
    this.lastId = options.lastEventId;
  }

  /** Id of the last event received; pass it as `lastEventId` to resume later. */
  get lastEventId(): string | undefined {
    return this.lastId;
  }

  /**
   * Opens the first connection and resolves once its response arrives, with the stream still to
   * iterate (which reads that connection first). Iterate it, or abort its `signal`, to close it.
   * @example
   * const { data: stream, response } = await ftm.events.stream().withResponse();
   * console.log(response.headers.get('x-request-id'));
   * for await (const event of stream) if (event.type === 'model.promoted') break;
   */
  async withResponse(): Promise<{ readonly data: EventStream<T>; readonly response: Response; readonly requestId: string | undefined }> {
    if (this.used || this.opened) throw new FtmError('This event stream is already open; open a new one.');
    const connection = new AbortController();
    this.options.signal?.addEventListener('abort', () => connection.abort(), { once: true });
    this.opened = { response: this.open(this.lastId, connection.signal), connection };
    const response = await this.opened.response;
    return { data: this, response, requestId: requestIdOf(response) };
  }

  /**
   * The first connection's raw response, its `text/event-stream` body unread; the stream itself
   * can then no longer be iterated. Cancel the body (or abort `signal`) to close it.
   * @example
   * const response = await ftm.events.stream({ types: ['model.promoted'] }).asResponse();
   * const reader = response.body!.getReader();
   */
  asResponse(): Promise<Response> {
    if (this.used || this.opened) throw new FtmError('This event stream is already open; open a new one.');
    this.used = true;
    const signal = this.options.signal ?? new AbortController().signal;
    return this.open(this.lastId, signal);
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.used) throw new FtmError('An event stream can be iterated only once; open a new one to read again.');
    this.used = true;
    return this.iterate();
  }

  private async *iterate(): AsyncGenerator<T> {
    const outer = new AbortController();
    const userSignal = this.options.signal;
    const onUserAbort = () => outer.abort();
    if (userSignal?.aborted) throw new ApiUserAbortError();
    userSignal?.addEventListener('abort', onUserAbort, { once: true });
    const maxReconnects = this.options.maxReconnects ?? 10;
    const maxDelay = this.options.maxReconnectDelayMs ?? 10_000;
    let baseDelay = this.options.reconnectDelayMs ?? 500;
    let failures = 0;
    try {
      for (;;) {
        const received: T[] = [];
        let gotEvent = false;
        let lastError: unknown;
        const parser = createParser({
          onEvent: (message) => {
            if (message.id !== undefined) this.lastId = message.id;
            received.push(this.decode(message));
          },
          onRetry: (ms) => {
            baseDelay = ms;
          },
        });
        const opened = this.opened;
        this.opened = undefined;
        const connection = opened?.connection ?? new AbortController();
        const onOuterAbort = () => connection.abort();
        if (outer.signal.aborted) connection.abort();
        outer.signal.addEventListener('abort', onOuterAbort, { once: true });
        try {
          const response = await (opened?.response ?? this.open(this.lastId, connection.signal));
          if (!response.body) throw new ApiConnectionError({ message: 'The event stream response has no body.' });
          const reader = response.body.getReader();
          const decoder = new TextDecoder();
          // Not every fetch errors the body on abort (mocks, some polyfills): cancel it ourselves.
          const cancelOnAbort = () => void reader.cancel().catch(() => {});
          connection.signal.addEventListener('abort', cancelOnAbort, { once: true });
          let idle = this.armIdleTimer(connection);
          try {
            for (;;) {
              const { done, value } = await reader.read();
              clearTimeout(idle);
              if (done) break;
              idle = this.armIdleTimer(connection);
              parser.feed(decoder.decode(value, { stream: true }));
              if (received.length > 0) {
                gotEvent = true;
                failures = 0;
                yield* received.splice(0);
              }
            }
          } finally {
            clearTimeout(idle);
            connection.signal.removeEventListener('abort', cancelOnAbort);
            reader.cancel().catch(() => {});
          }
          if (outer.signal.aborted) throw new ApiUserAbortError();
        } catch (error) {
          if (outer.signal.aborted) throw new ApiUserAbortError();
          // Our own idle timer aborted this connection: a drop like any other.
          if (!connection.signal.aborted && !isReconnectable(error)) throw error;
          lastError = error;
        } finally {
          outer.signal.removeEventListener('abort', onOuterAbort);
        }
        // Reaching here means the connection ended or broke: reconnect after a bounded backoff.
        if (!gotEvent) failures++;
        if (failures > maxReconnects) {
          throw new ApiConnectionError({ message: `Event stream lost after ${maxReconnects} reconnects.`, cause: lastError });
        }
        const ceiling = Math.min(maxDelay, baseDelay * 2 ** Math.max(0, failures - 1));
        await sleep(Math.floor(ceiling / 2 + (Math.random() * ceiling) / 2), outer.signal);
      }
    } finally {
      outer.abort();
      userSignal?.removeEventListener('abort', onUserAbort);
    }
  }

  private armIdleTimer(connection: AbortController): ReturnType<typeof setTimeout> {
    return setTimeout(() => connection.abort(), this.options.idleTimeoutMs ?? 45_000);
  }
}

function isReconnectable(error: unknown): boolean {
  if (error instanceof ApiUserAbortError) return false;
  if (!(error instanceof ApiError)) return true; // a body read that broke mid-stream
  if (error.status === undefined) return true;
  return error.status === 408 || error.status === 429 || error.status >= 500;
}
