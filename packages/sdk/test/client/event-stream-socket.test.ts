import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ftm } from '../../src/index.js';

// A real socket (no msw in this file): the server must see the client go away.
let server: Server;
let baseUrl: string;
let closed: Promise<void>;
let markClosed: () => void;

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const data = { id: 'e1', seq: 1, type: 'ft_job.updated', resource_type: 'ft_job', resource_id: null, project_id: null, request_id: null, created_at: '2026-01-01T00:00:00Z', data: {} };
    res.write(`id: 1\nevent: ft_job.updated\ndata: ${JSON.stringify(data)}\n\n`);
    res.on('close', () => markClosed());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('events.stream over a socket', () => {
  it('closes the connection when the consumer breaks', async () => {
    closed = new Promise<void>((resolve) => (markClosed = resolve));
    const ftm = new Ftm({ baseUrl, apiKey: 'k' });
    for await (const event of ftm.events.stream()) {
      expect(event.seq).toBe(1);
      break;
    }
    await closed;
  });
});
