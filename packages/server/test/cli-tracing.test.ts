import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OTLP_SPAN_KIND, startOtlpCollector, type OtlpCollector } from './support/otlp-collector.js';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const cli = join(root, 'packages/server/src/cli.ts');
let dataDir = '';
let collector: OtlpCollector | undefined;
let child: ChildProcess | undefined;

afterAll(async () => {
  child?.kill('SIGKILL');
  await collector?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('ftm start with FTM_OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  it('exports the spans of its last requests when it stops on SIGTERM', { timeout: 300_000 }, async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ftm-cli-otel-'));
    collector = await startOtlpCollector();
    const proc = spawn(process.execPath, ['--conditions=ftm-source', '--import', 'tsx', cli, 'start'], {
      cwd: root,
      env: { ...process.env, FTM_LOG_LEVEL: 'warn', FTM_DATA_DIR: dataDir, FTM_PORT: '0', FTM_OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let output = '';
    const exited = new Promise<number | null>((done) => proc.on('exit', done));
    const url = await new Promise<string>((done, fail) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (http:\/\/\S+) /.exec(output);
        if (match) done(match[1]!);
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', onData);
      void exited.then((code) => fail(new Error(`ftm start exited ${code} before listening:\n${output}`)));
    });
    const key = /(ftm_sk_[A-Za-z0-9_-]{43})/.exec(output)![1]!;
    const res = await fetch(`${url}/model-versions`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    const requestId = res.headers.get('x-request-id');

    // Stopped at once, before the batch processor's timer: only the shutdown flush can send it.
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    const span = collector.spans().find((s) => s.attributes['ftm.request_id'] === requestId);
    expect(span).toMatchObject({ name: 'GET /model-versions', kind: OTLP_SPAN_KIND.SERVER, resource: { 'service.name': 'ftm-api' } });
    for (const e of collector.exports) expect(e.body).not.toContain(key);
  });
});
