import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parseRetryAfterMs } from '../shared/http-client.js';
import type { ResolvedAddress } from './resolve-destination.js';

/** One POST to a receiver, to an address already checked by the destination policy. */
export interface WebhookPost {
  readonly url: URL;
  readonly address: ResolvedAddress;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly timeoutMs: number;
  /** How many bytes of the response body are kept (the rest is not read). */
  readonly excerptBytes: number;
}

/** Why an attempt got no usable answer; `redirect_not_followed` comes with its 3xx status. */
export type AttemptError = 'timeout' | 'connection_error' | 'tls_error' | 'redirect_not_followed';

/** What one POST produced; never thrown, always recorded. */
export interface PostOutcome {
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly error: AttemptError | null;
  readonly excerpt: string | null;
  /** The receiver's Retry-After, when it sent one. */
  readonly retryAfterMs: number | null;
}

/** Sends webhook POSTs; a port so tests and benchmarks can count or fake the network. */
export interface WebhookSender {
  post(request: WebhookPost): Promise<PostOutcome>;
  close(): void;
}

const TLS_CODES = /^(ERR_TLS|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED|ERR_SSL|HOSTNAME_MISMATCH)/;

/** Connects to the pinned address whatever the name resolves to now (answers both lookup styles). */
function pinnedLookup(pinned: ResolvedAddress): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  }) as unknown as LookupFunction;
}

/**
 * The node:http(s) sender: keep-alive agents, the connection pinned to the checked address (TLS
 * still verifies the certificate against the host name), redirects never followed (node:http
 * does not follow them and a 3xx is a failed attempt), one deadline covering connect, headers
 * and body, and at most `excerptBytes` of the body read.
 */
export class NodeWebhookSender implements WebhookSender {
  readonly #http: http.Agent;
  readonly #https: https.Agent;

  constructor(options: { maxSockets?: number } = {}) {
    // Idle sockets close after 4 s, before a receiver's usual 5 s keep-alive timeout closes them
    // under us; a request that still meets a reset on a reused socket is sent once more.
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 256, scheduling: 'lifo' as const, timeout: 4_000 };
    this.#http = new http.Agent(agentOptions);
    this.#https = new https.Agent(agentOptions);
  }

  post(request: WebhookPost): Promise<PostOutcome> {
    const { url } = request;
    const secure = url.protocol === 'https:';
    const started = performance.now();
    return new Promise<PostOutcome>((resolve) => {
      let settled = false;
      const finish = (outcome: Omit<PostOutcome, 'latencyMs'>): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ ...outcome, latencyMs: Math.round(performance.now() - started) });
      };
      const hostname = url.hostname.replace(/^\[|\]$/g, '');
      let current: http.ClientRequest | undefined;
      const timer = setTimeout(() => {
        finish({ statusCode: null, error: 'timeout', excerpt: null, retryAfterMs: null });
        current?.destroy();
      }, request.timeoutMs);
      const send = (retried: boolean): void => {
        const req = (secure ? https : http).request({
          method: 'POST',
          protocol: url.protocol,
          hostname,
          port: url.port === '' ? (secure ? 443 : 80) : Number(url.port),
          path: `${url.pathname}${url.search}`,
          headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
          agent: secure ? this.#https : this.#http,
          lookup: pinnedLookup(request.address),
          ...(secure ? { servername: hostname } : {}),
        });
        current = req;
        let answered = false;
        req.on('error', (error: NodeJS.ErrnoException) => {
          // A keep-alive socket the receiver closed just as we reused it: nothing was answered,
          // so the request goes once more on a fresh connection (receivers deduplicate on webhook-id).
          if (!answered && !retried && !settled && req.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) {
            send(true);
            return;
          }
          finish({ statusCode: null, error: TLS_CODES.test(error.code ?? '') ? 'tls_error' : 'connection_error', excerpt: null, retryAfterMs: null });
        });
        req.on('response', (res) => {
          answered = true;
          const status = res.statusCode ?? 0;
          const retryAfterMs = parseRetryAfterMs(headerValue(res.headers['retry-after'])) ?? null;
          const error: AttemptError | null = status >= 300 && status < 400 ? 'redirect_not_followed' : null;
          const chunks: Buffer[] = [];
          let kept = 0;
          const done = (): void => {
            const excerpt = kept === 0 ? null : Buffer.concat(chunks).subarray(0, request.excerptBytes).toString('utf8');
            finish({ statusCode: status, error, excerpt, retryAfterMs });
          };
          res.on('data', (chunk: Buffer) => {
            if (kept < request.excerptBytes) {
              chunks.push(chunk);
              kept += chunk.length;
            }
            if (kept >= request.excerptBytes) {
              // The rest of the body is not read: the socket is dropped rather than drained.
              done();
              res.destroy();
            }
          });
          res.on('end', done);
          res.on('error', done);
          res.on('close', done);
        });
        req.end(request.body);
      };
      send(false);
    });
  }

  close(): void {
    this.#http.destroy();
    this.#https.destroy();
  }
}

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}
