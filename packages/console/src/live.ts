import type { Event, StreamEvent } from '@ftm/sdk';
import { useEffect, useRef, useState } from 'preact/hooks';
import { client } from './session.js';

type AnyEvent = StreamEvent | Event;
type Listener = (event: AnyEvent) => void;
/** `connecting` until the stream answers, `live` while it does, `down` after it ended with an error. */
export type LiveStatus = 'off' | 'connecting' | 'live' | 'down';

const listeners = new Set<Listener>();
const statusListeners = new Set<(s: LiveStatus) => void>();
let status: LiveStatus = 'off';
let abort: AbortController | null = null;

function setStatus(next: LiveStatus): void {
  status = next;
  for (const l of statusListeners) l(next);
}

/**
 * Opens the one `/events` stream of this tab (the SDK's typed stream, which reconnects with
 * Last-Event-ID after a drop) and fans every event out to the pages listening.
 */
export function startLive(): void {
  const ftm = client();
  if (!ftm || abort) return;
  const controller = new AbortController();
  abort = controller;
  setStatus('connecting');
  void (async () => {
    try {
      const stream = ftm.events.stream({ signal: controller.signal, maxReconnects: 1_000 });
      setStatus('live');
      for await (const event of stream) for (const l of listeners) l(event);
      setStatus('down');
    } catch {
      if (!controller.signal.aborted) setStatus('down');
    } finally {
      if (abort === controller) abort = null;
    }
  })();
}

/** Closes the stream (sign-out). */
export function stopLive(): void {
  abort?.abort();
  abort = null;
  setStatus('off');
}

/** The stream's status, for the header badge. */
export function useLiveStatus(): LiveStatus {
  const [s, setS] = useState(status);
  useEffect(() => {
    statusListeners.add(setS);
    return () => void statusListeners.delete(setS);
  }, []);
  return s;
}

/**
 * Calls `onChange` (at most every 300 ms) when an event about one of `resourceTypes` arrives, or
 * about `resourceId` when given.
 */
export function useLive(resourceTypes: readonly string[], onChange: () => void, resourceId?: string): void {
  const callback = useRef(onChange);
  callback.current = onChange;
  const key = resourceTypes.join(',') + '|' + (resourceId ?? '');
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const listener: Listener = (event) => {
      const typeMatches = resourceTypes.includes(event.resource_type ?? '') || resourceTypes.some((t) => event.type.startsWith(`${t}.`));
      if (!typeMatches && !(resourceId && event.resource_id === resourceId)) return;
      if (resourceId && resourceTypes.length === 0 && event.resource_id !== resourceId) return;
      clearTimeout(timer);
      timer = setTimeout(() => callback.current(), 300);
    };
    listeners.add(listener);
    return () => {
      clearTimeout(timer);
      listeners.delete(listener);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
}
