/**
 * A local OTLP/HTTP collector for tests: accepts JSON trace exports on any path, keeps each
 * request (path, headers, raw body) and flattens the spans it received.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

type OtlpValue = { stringValue?: string; intValue?: number | string; boolValue?: boolean; doubleValue?: number };
type OtlpAttribute = { key: string; value: OtlpValue };
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: OtlpAttribute[];
  status?: { code?: number };
}
interface OtlpExport {
  resourceSpans?: { resource?: { attributes?: OtlpAttribute[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

/** One received span with its attributes and its resource's as plain objects. */
export interface ReceivedSpan {
  readonly name: string;
  readonly kind: number;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly statusCode: number;
  readonly attributes: Record<string, string | number | boolean | undefined>;
  readonly resource: Record<string, string | number | boolean | undefined>;
}

/** One export request as it arrived. */
export interface ReceivedExport {
  readonly path: string;
  readonly contentType: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface OtlpCollector {
  /** The base URL to configure as the OTLP endpoint (ends with `/otel`, to check path handling). */
  readonly endpoint: string;
  readonly exports: ReceivedExport[];
  spans(): ReceivedSpan[];
  close(): Promise<void>;
}

const OTLP_SPAN_KIND = { SERVER: 2, CONSUMER: 5 } as const;
const OTLP_STATUS = { UNSET: 0, ERROR: 2 } as const;
export { OTLP_SPAN_KIND, OTLP_STATUS };

function plain(attributes: OtlpAttribute[] | undefined): Record<string, string | number | boolean | undefined> {
  const out: Record<string, string | number | boolean | undefined> = {};
  for (const { key, value } of attributes ?? []) {
    out[key] = value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : (value.boolValue ?? value.doubleValue));
  }
  return out;
}

/** Starts the collector on an ephemeral loopback port. */
export async function startOtlpCollector(): Promise<OtlpCollector> {
  const exports: ReceivedExport[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      exports.push({ path: req.url ?? '', contentType: req.headers['content-type'], headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/otel`,
    exports,
    spans: () =>
      exports.flatMap((e) =>
        ((JSON.parse(e.body) as OtlpExport).resourceSpans ?? []).flatMap((rs) =>
          (rs.scopeSpans ?? []).flatMap((ss) =>
            (ss.spans ?? []).map((s) => ({
              name: s.name,
              kind: s.kind,
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId || undefined,
              statusCode: s.status?.code ?? OTLP_STATUS.UNSET,
              attributes: plain(s.attributes),
              resource: plain(rs.resource?.attributes),
            })),
          ),
        ),
      ),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
