#!/usr/bin/env node
// Makes sure the PostgreSQL and Redis the test suite needs answer on 127.0.0.1, starting (and on a
// bare Debian machine installing) them when they do not, and that promtool is installed. Safe to
// run when everything is already there.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import net from 'node:net';

const PG_PORT = Number(process.env.FTM_TEST_PG_PORT ?? 5432);
const REDIS_PORT = Number(process.env.FTM_TEST_REDIS_PORT ?? 6379);

function listening(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
  });
}

async function waitFor(port, what) {
  for (let i = 0; i < 60; i++) {
    if (await listening(port)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what} did not start on 127.0.0.1:${port}`);
}

function sh(cmd) {
  console.log(`$ ${cmd}`);
  execSync(cmd, { stdio: 'inherit' });
}

const has = (bin) => { try { execSync(`command -v ${bin}`, { stdio: 'ignore' }); return true; } catch { return false; } };

async function ensurePostgres() {
  if (await listening(PG_PORT)) return;
  if (!existsSync('/etc/postgresql')) {
    sh('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql');
  }
  const version = readdirSync('/etc/postgresql')[0];
  const hba = `/etc/postgresql/${version}/main/pg_hba.conf`;
  // The tests connect as postgres over TCP without a password, as on the reference machine.
  sh(`grep -q '^host all all 127.0.0.1/32 trust' ${hba} || sed -i '1i host all all 127.0.0.1/32 trust\\nhost all all ::1/128 trust' ${hba}`);
  sh(`pg_ctlcluster --skip-systemctl-redirect ${version} main start || true`);
  await waitFor(PG_PORT, 'PostgreSQL');
}

async function ensureRedis() {
  if (await listening(REDIS_PORT)) return;
  if (!has('redis-server')) sh('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server');
  sh(`redis-server --daemonize yes --bind 127.0.0.1 --port ${REDIS_PORT} --save "" --appendonly no`);
  await waitFor(REDIS_PORT, 'Redis');
}

// Not a service: the alert rule tests (packages/server/test/alert-rules.test.ts) run promtool,
// which Debian ships in its prometheus package (only the binary is used; nothing is started).
function ensurePromtool() {
  if (has('promtool')) return;
  sh('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus');
}

await ensurePostgres();
await ensureRedis();
ensurePromtool();
console.log(`services ready: postgres 127.0.0.1:${PG_PORT}, redis 127.0.0.1:${REDIS_PORT}`);
