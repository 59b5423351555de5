import { createServer, type IncomingMessage, type Server } from 'node:http';
import { verify, WebhookVerificationError, type WebhookEvent } from '@ftm/sdk/webhooks';

/** Options of {@link createWebhookReceiver}. */
export interface WebhookReceiverOptions {
  /** The endpoint's `whsec_` secret; several during a rotation overlap. */
  readonly secrets: readonly string[];
  /** Handles one verified event; runs after the 200 so FTM is not kept waiting. */
  readonly onEvent: (event: WebhookEvent) => void | Promise<void>;
  /** Largest body accepted; default 1 MiB. */
  readonly maxBodyBytes?: number;
}

const SEEN_LIMIT = 10_000;

/**
 * An HTTP server answering `POST /webhooks`: verifies the Standard Webhooks signature on the raw
 * body, drops duplicates by event id (FTM retries and redelivers), acknowledges with 200, then
 * hands the event to `onEvent`.
 */
export function createWebhookReceiver(options: WebhookReceiverOptions): Server {
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const seen = new Set<string>();

  return createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url !== '/webhooks') {
      res.writeHead(404).end();
      return;
    }
    const body = await readBody(req, maxBodyBytes);
    if (body === undefined) {
      res.writeHead(413).end();
      return;
    }
    let event: WebhookEvent;
    try {
      // Verify the bytes exactly as received: re-serialised JSON would not match the signature.
      event = await verify(body, req.headers, options.secrets);
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      // An authentic event of a type this SDK does not know yet: acknowledge it, so FTM does not retry.
      if (error.code === 'unknown_event_type') res.writeHead(204).end();
      else res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid signature\n');
      return;
    }
    res.writeHead(200).end();
    if (seen.has(event.id)) return;
    seen.add(event.id);
    if (seen.size > SEEN_LIMIT) seen.delete(seen.values().next().value as string);
    try {
      await options.onEvent(event);
    } catch (error) {
      console.error(`handling ${event.type} ${event.id} failed:`, error);
    }
  });
}

/** The raw body, or undefined once it passes `limit` bytes. */
async function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
