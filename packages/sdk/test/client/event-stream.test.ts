import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { ApiConnectionError, ApiUserAbortError, AuthenticationError, FtmError, type Event } from '../../src/index.js';
import { BASE, problem, testClient, useMockServer } from '../support/server.js';

const server = useMockServer();
const encoder = new TextEncoder();
const fast = { reconnectDelayMs: 1, maxReconnectDelayMs: 5 };

function event(seq: number, type = 'ft_job.updated'): Event {
  return {
    id: `0193a8f2-5b7c-7d3e-9a41-${String(seq).padStart(12, '0')}`,
    seq,
    type,
    resource_type: 'ft_job',
    resource_id: null,
    project_id: null,
    request_id: null,
    created_at: '2026-01-01T00:00:00.000Z',
    data: { n: seq },
  };
}

function frame(e: Event): string {
  return `id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
}

/** An SSE response that sends `chunks` and then ends (a drop) or stays open; `onCancel` on abort. */
function sse(chunks: string[], { stayOpen = false, onCancel }: { stayOpen?: boolean; onCancel?: () => void } = {}) {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      if (!stayOpen) controller.close();
    },
    cancel() {
      onCancel?.();
    },
  });
  return new HttpResponse(body, { headers: { 'content-type': 'text/event-stream' } });
}

describe('events.stream', () => {
  it('yields each frame as a parsed event and skips heartbeat comments', async () => {
    server.use(http.get(`${BASE}/events`, () => sse([': heartbeat\n\n', frame(event(1)), ': heartbeat\n\n', frame(event(2, 'model.promoted'))], { stayOpen: true })));
    const seen: Event[] = [];
    for await (const e of testClient().ftm.events.stream(fast)) {
      seen.push(e);
      if (seen.length === 2) break;
    }
    expect(seen.map((e) => [e.seq, e.type])).toEqual([
      [1, 'ft_job.updated'],
      [2, 'model.promoted'],
    ]);
    expect(seen[0]?.data).toEqual({ n: 1 });
  });

  it('parses a frame split across chunks', async () => {
    const text = frame(event(7));
    server.use(http.get(`${BASE}/events`, () => sse([text.slice(0, 10), text.slice(10, 40), text.slice(40)], { stayOpen: true })));
    for await (const e of testClient().ftm.events.stream(fast)) {
      expect(e.seq).toBe(7);
      break;
    }
  });

  it('sends the filters and the starting Last-Event-ID', async () => {
    let url: URL | undefined;
    let lastEventId: string | null = null;
    server.use(
      http.get(`${BASE}/events`, ({ request }) => {
        url = new URL(request.url);
        lastEventId = request.headers.get('last-event-id');
        return sse([frame(event(43))], { stayOpen: true });
      }),
    );
    const stream = testClient().ftm.events.stream({ ...fast, types: ['ft_job.updated', 'model.promoted'], resourceType: 'ft_job', resourceId: 'abc', lastEventId: 42 });
    for await (const _ of stream) break;
    expect(url?.searchParams.get('types')).toBe('ft_job.updated,model.promoted');
    expect(url?.searchParams.get('resource_type')).toBe('ft_job');
    expect(url?.searchParams.get('resource_id')).toBe('abc');
    expect(lastEventId).toBe('42');
    expect(stream.lastEventId).toBe('43');
  });

  it('reconnects after a dropped connection with the last event id and goes on', async () => {
    const lastIds: (string | null)[] = [];
    server.use(
      http.get(`${BASE}/events`, ({ request }) => {
        lastIds.push(request.headers.get('last-event-id'));
        if (lastIds.length === 1) return sse([frame(event(1)), frame(event(2))]);
        if (lastIds.length === 2) return HttpResponse.error();
        return sse([frame(event(3))], { stayOpen: true });
      }),
    );
    const seqs: number[] = [];
    for await (const e of testClient().ftm.events.stream(fast)) {
      seqs.push(e.seq);
      if (e.seq === 3) break;
    }
    expect(seqs).toEqual([1, 2, 3]);
    expect(lastIds).toEqual([null, '2', '2']);
  });

  it('reconnects after a 503', async () => {
    let calls = 0;
    server.use(http.get(`${BASE}/events`, () => (++calls === 1 ? problem(503, { code: 'dependency_unavailable' }) : sse([frame(event(1))], { stayOpen: true }))));
    for await (const e of testClient().ftm.events.stream(fast)) {
      expect(e.seq).toBe(1);
      break;
    }
    expect(calls).toBe(2);
  });

  it('is single-use', async () => {
    server.use(http.get(`${BASE}/events`, () => sse([frame(event(1))], { stayOpen: true })));
    const stream = testClient().ftm.events.stream(fast);
    for await (const _ of stream) break;
    expect(() => stream[Symbol.asyncIterator]()).toThrow(FtmError);
  });

  it('does not reconnect after a 401', async () => {
    let calls = 0;
    server.use(http.get(`${BASE}/events`, () => (calls++, problem(401, { code: 'unauthorized' }))));
    const iterate = async () => {
      for await (const _ of testClient().ftm.events.stream(fast)) break;
    };
    await expect(iterate()).rejects.toBeInstanceOf(AuthenticationError);
    expect(calls).toBe(1);
  });

  it('gives up after maxReconnects failed connections in a row', async () => {
    let calls = 0;
    server.use(http.get(`${BASE}/events`, () => (calls++, HttpResponse.error())));
    const iterate = async () => {
      for await (const _ of testClient().ftm.events.stream({ ...fast, maxReconnects: 3 })) break;
    };
    await expect(iterate()).rejects.toBeInstanceOf(ApiConnectionError);
    expect(calls).toBe(4);
  });

  it('reconnects when nothing arrives within the idle timeout', async () => {
    let calls = 0;
    server.use(http.get(`${BASE}/events`, () => (++calls === 1 ? sse([], { stayOpen: true }) : sse([frame(event(5))], { stayOpen: true }))));
    for await (const e of testClient().ftm.events.stream({ ...fast, idleTimeoutMs: 30 })) {
      expect(e.seq).toBe(5);
      break;
    }
    expect(calls).toBe(2);
  });

  it('ends with ApiUserAbortError when the caller aborts', async () => {
    server.use(http.get(`${BASE}/events`, () => sse([frame(event(1))], { stayOpen: true })));
    const controller = new AbortController();
    const seen: number[] = [];
    const iterate = async () => {
      for await (const e of testClient().ftm.events.stream({ ...fast, signal: controller.signal })) {
        seen.push(e.seq);
        controller.abort();
      }
    };
    await expect(iterate()).rejects.toBeInstanceOf(ApiUserAbortError);
    expect(seen).toEqual([1]);
  });
});
