import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a test receiver got. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** How the receiver answers; `hang` never answers. */
export type ReceiverReply = { readonly status: number; readonly headers?: Record<string, string>; readonly body?: string } | 'hang';

/** A local HTTP receiver on 127.0.0.1 that records every request and answers as told. */
export interface TestReceiver {
  readonly url: string;
  readonly port: number;
  readonly requests: ReceivedRequest[];
  reply: (request: ReceivedRequest) => ReceiverReply;
  close(): Promise<void>;
}

/** Starts a receiver on a free port; `reply` defaults to 200 `ok`. */
export async function startReceiver(reply?: (request: ReceivedRequest) => ReceiverReply): Promise<TestReceiver> {
  const hanging = new Set<import('node:http').ServerResponse>();
  const receiver: Partial<TestReceiver> & { requests: ReceivedRequest[]; reply: TestReceiver['reply'] } = {
    requests: [],
    reply: reply ?? (() => ({ status: 200, body: 'ok' })),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      receiver.requests.push(request);
      const answer = receiver.reply(request);
      if (answer === 'hang') {
        hanging.add(res);
        return;
      }
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(receiver, {
    port,
    url: `http://127.0.0.1:${port}/hook`,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  }) as TestReceiver;
}
