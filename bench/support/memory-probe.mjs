// A tiny HTTP endpoint in a bench server process reporting its memory (after a full GC, so a
// growing heap is a leak and not garbage not collected yet), on its own port so it never competes
// with the route measured.
import { createServer } from 'node:http';
import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose_gc');
const gc = vm.runInNewContext('gc');

/** Starts the probe; resolves with its URL. */
export async function startMemoryProbe() {
  const server = createServer((_req, res) => {
    gc();
    const m = process.memoryUsage();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers }));
  });
  server.unref();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${server.address().port}`;
}
