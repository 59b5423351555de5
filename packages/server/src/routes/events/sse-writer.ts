import type { ServerResponse } from 'node:http';
import type { StreamEvent } from '@ftm/core';

/** One SSE frame: `id:` the seq, `event:` the type, `data:` the event JSON on one line. */
export function eventFrame(event: StreamEvent): string {
  return `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** Writes SSE text to a response, waiting for `drain` when the socket buffer is full. */
export class SseWriter {
  private closed = false;

  constructor(private readonly res: ServerResponse) {
    res.once('close', () => {
      this.closed = true;
    });
  }

  /** Runs `fn` once the connection ends, whoever ends it. */
  onClose(fn: () => void): void {
    if (this.res.destroyed || this.res.writableFinished) fn();
    else this.res.once('close', fn);
  }

  get isClosed(): boolean {
    return this.closed || this.res.destroyed;
  }

  /** Writes a chunk; resolves once the socket can take more (or at once if it can). */
  async write(chunk: string): Promise<void> {
    if (this.isClosed) return;
    if (this.res.write(chunk)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }

  /** A comment line: keeps proxies from timing the connection out. */
  heartbeat(): void {
    if (!this.isClosed) this.res.write(': heartbeat\n\n');
  }

  end(): void {
    if (!this.isClosed) this.res.end();
    this.closed = true;
  }
}
