// The baseline of bench/otlp: a bare Fastify route (same Fastify as @ftm/server, no logger, no
// hooks, no auth, no storage) that only parses the OTLP body it is sent: JSON.parse for OTLP/JSON,
// and for protobuf a full decode of every span with all its attributes and events (FTM's own wire
// decoder told to keep every span, as no protobuf library is a dependency). Answers an empty
// ExportTraceServiceResponse. Prints { url, memory } on stdout.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMemoryProbe } from './support/memory-probe.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(join(ROOT, 'packages/server/package.json'));
const Fastify = require('fastify');
const core = await import(existsSync(join(ROOT, 'packages/core/dist/index.js')) ? join(ROOT, 'packages/core/dist/index.js') : join(ROOT, 'packages/core/src/index.ts'));

const app = Fastify({ logger: false, bodyLimit: 20 * 1024 * 1024 });
app.removeAllContentTypeParsers();
app.addContentTypeParser(['application/json', 'application/x-protobuf'], { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
const keepAll = () => true;
app.post('/otlp/v1/traces', async (request, reply) => {
  const protobuf = request.headers['content-type'] === 'application/x-protobuf';
  const decoded = protobuf ? core.decodeProtobufTraceRequest(request.body, keepAll) : JSON.parse(request.body.toString('utf8'));
  if (!decoded) throw new Error('empty body');
  return protobuf ? reply.type('application/x-protobuf').send(Buffer.alloc(0)) : reply.type('application/json').send('{}');
});
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ url, memory: await startMemoryProbe() })}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
