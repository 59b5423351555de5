// The baseline of bench/api: a bare Fastify hello-world (same Fastify as @ftm/server, no logger,
// no hooks). Prints its URL on stdout and serves until killed.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(fileURLToPath(new URL('../packages/server/package.json', import.meta.url)));
const Fastify = require('fastify');
const app = Fastify({ logger: false });
app.get('/hello', async () => ({ hello: 'world' }));
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ url })}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
