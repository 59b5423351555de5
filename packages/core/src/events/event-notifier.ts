/**
 * Wakes event streams when new outbox events become readable. Streams read only up to the
 * high water mark: the highest seq below which every event that will ever commit is visible.
 * (A bigserial is allocated before commit, so seq 7 can become visible after seq 8.)
 */
export interface EventNotifier {
  /** The current high water mark, refreshed first if the notifier is idle. */
  highWaterMark(): Promise<number>;
  /** Calls `listener` with the new mark whenever it moves; returns the unsubscribe function. */
  subscribe(listener: (mark: number) => void): () => void;
  /** Stops polling; pending `highWaterMark()` calls still settle. */
  close(): Promise<void>;
}
