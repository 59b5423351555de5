import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The only access key pair s3rver accepts. */
const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** The slice of s3rver's API used here (the package ships no types). */
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  readonly httpServer?: Server;
}
type S3rverConstructor = new (options: { address: string; port: number; directory: string; silent: boolean; configureBuckets: { name: string }[] }) => S3rverInstance;

/** A running s3rver for tests: point an S3 client (path-style) at `endpoint`. */
export interface TestS3Server {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** Created at start, empty. */
  readonly bucket: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Stops the server and deletes its data; safe to call twice. */
  close(): Promise<void>;
}

/** Starts s3rver on a free 127.0.0.1 port with a temp dir and one bucket (random name unless given). */
export async function startS3Server(options: { bucket?: string } = {}): Promise<TestS3Server> {
  const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;
  const bucket = options.bucket ?? `ftm-test-${randomBytes(4).toString('hex')}`;
  const directory = await mkdtemp(join(tmpdir(), 'ftm-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory,
    silent: true,
    configureBuckets: [{ name: bucket }],
  });
  let address: AddressInfo;
  try {
    address = await server.run();
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    bucket,
    region: 'us-east-1',
    credentials: S3RVER_CREDENTIALS,
    close: () => {
      closing ??= (async () => {
        const http = server.httpServer;
        if (http) {
          const closed = new Promise<void>((resolve) => http.close(() => resolve()));
          // Keep-alive sockets from SDK clients would otherwise hold close() open.
          http.closeAllConnections();
          await closed;
        }
        await rm(directory, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
