// bench/sdk: median latency of `ftm.modelVersions.get()` against a raw `fetch` of the same URL,
// same server, same run, interleaved so both see the same conditions. Target ratio ≤ 1.10.
//
//   pnpm --filter @ftm/sdk build && node bench/sdk.mjs
//
// Uses FTM_BASE_URL + FTM_API_KEY when both are set; otherwise starts `ftm start` (the built CLI,
// or the CLI from source through tsx) on a free port with a temporary data directory.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SDK = join(ROOT, 'packages/sdk/dist/index.js');
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 2000);
const WARMUP = 200;
const TARGET = 1.1;

if (!existsSync(SDK)) {
  console.error('bench/sdk: build the SDK first: pnpm --filter @ftm/sdk build');
  process.exit(1);
}
const { Ftm } = await import(SDK);

async function freePort() {
  const server = createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

/** Starts `ftm start` and resolves with its URL, the printed key, and a stop function. */
async function startServer() {
  const built = join(ROOT, 'packages/server/dist/cli.js');
  const source = join(ROOT, 'packages/server/src/cli.ts');
  const args = existsSync(built) ? [built, 'start'] : existsSync(source) ? ['--conditions=ftm-source', '--import', 'tsx', source, 'start'] : undefined;
  if (!args) throw new Error('no FTM_BASE_URL/FTM_API_KEY given and no ftm CLI found (packages/server/src/cli.ts)');
  const dataDir = await mkdtemp(join(tmpdir(), 'ftm-bench-sdk-'));
  const port = await freePort();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    // Rate limiting stays on, as in `ftm start`, with quotas too large to reach: 4 400 requests
    // can come within the default 3 000-per-minute window on a quiet machine.
    env: { ...process.env, FTM_DATA_DIR: dataDir, FTM_PORT: String(port), FTM_ENV: 'dev', FTM_LOG_LEVEL: 'warn', FTM_RATE_LIMIT_PER_KEY: '10000000', FTM_RATE_LIMIT_RESOLVE_PER_KEY: '10000000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`ftm start exited:\n${output}`);
    const key = /ftm_sk_[A-Za-z0-9_-]{43}/.exec(output)?.[0];
    const healthy = await fetch(`${baseUrl}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (key && healthy) {
      return {
        baseUrl,
        apiKey: key,
        stop: async () => {
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
          if (child.exitCode === null) child.kill('SIGKILL');
          await rm(dataDir, { recursive: true, force: true });
        },
      };
    }
    if (Date.now() > deadline) throw new Error(`ftm start did not come up:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const external = process.env.FTM_BASE_URL && process.env.FTM_API_KEY;
const server = external ? { baseUrl: process.env.FTM_BASE_URL, apiKey: process.env.FTM_API_KEY, stop: async () => {} } : await startServer();
try {
  const ftm = new Ftm({ baseUrl: server.baseUrl, apiKey: server.apiKey, maxRetries: 0 });
  const version = await ftm.modelVersions.create({
    name: `bench-sdk-${Date.now()}`,
    provider: 'openai',
    provider_model_id: 'ft:gpt-4o-mini-2024-07-18:bench::sdk',
    base_model: 'gpt-4o-mini-2024-07-18',
  });
  const url = `${server.baseUrl.replace(/\/+$/, '')}/model-versions/${version.id}`;
  const headers = { authorization: `Bearer ${server.apiKey}`, accept: 'application/json' };
  const raw = async () => {
    const res = await fetch(url, { headers });
    if (!res.ok) throw new Error(`raw fetch answered ${res.status}`);
    return res.json();
  };
  const sdk = () => ftm.modelVersions.get(version.id);

  for (let i = 0; i < WARMUP; i++) {
    await raw();
    await sdk();
  }
  const rawTimes = [];
  const sdkTimes = [];
  for (let i = 0; i < ITERATIONS; i++) {
    // Alternate which goes first so neither always gets the warmer connection.
    const order =
      i % 2
        ? [
            ['raw', raw],
            ['sdk', sdk],
          ]
        : [
            ['sdk', sdk],
            ['raw', raw],
          ];
    for (const [name, fn] of order) {
      const t0 = performance.now();
      await fn();
      (name === 'raw' ? rawTimes : sdkTimes).push(performance.now() - t0);
    }
  }
  const rawMedian = median(rawTimes);
  const sdkMedian = median(sdkTimes);
  const ratio = sdkMedian / rawMedian;
  console.log(`bench/sdk: ${ITERATIONS} interleaved GET /model-versions/{id} per side against ${server.baseUrl}`);
  console.log(`  raw fetch   median ${rawMedian.toFixed(3)} ms`);
  console.log(`  ftm SDK     median ${sdkMedian.toFixed(3)} ms`);
  console.log(`  ratio sdk/raw ${ratio.toFixed(3)} (target ≤ ${TARGET}) ${ratio <= TARGET ? 'OK' : 'ABOVE TARGET'}`);
  process.exitCode = ratio <= TARGET ? 0 : 2;
} finally {
  await server.stop();
}
