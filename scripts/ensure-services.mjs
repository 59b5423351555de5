#!/usr/bin/env node
// Makes sure the PostgreSQL, Redis and RabbitMQ the test suite needs answer on 127.0.0.1, starting
// (and on a bare Debian machine installing) them when they do not, and that promtool is installed.
// Safe to run when everything is already there. The SQS emulator (fauxqs) is not a service: the
// tests start it in process, on a free port.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PG_PORT = Number(process.env.FTM_TEST_PG_PORT ?? 5432);
const REDIS_PORT = Number(process.env.FTM_TEST_REDIS_PORT ?? 6379);
const RABBIT_PORT = Number(process.env.FTM_TEST_RABBIT_PORT ?? 5672);

function listening(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function waitFor(port, what, tries = 60) {
  for (let i = 0; i < tries; i++) {
    if (await listening(port)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what} did not start on 127.0.0.1:${port}`);
}

function sh(cmd) {
  console.log(`$ ${cmd}`);
  execSync(cmd, { stdio: 'inherit' });
}

const has = (bin) => {
  try {
    execSync(`command -v ${bin}`, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

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

async function ensureRabbit() {
  if (await listening(RABBIT_PORT)) return;
  if (!has('rabbitmq-server')) sh('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server');
  // The stock configuration: 127.0.0.1:5672, user guest/guest (allowed from loopback only). Another
  // port gets a node (name, data, config) of its own, so it never clashes with a default node.
  let node = '';
  if (RABBIT_PORT !== 5672) {
    const config = join(tmpdir(), `ftm-rabbitmq-${RABBIT_PORT}.conf`);
    writeFileSync(config, `listeners.tcp.local = 127.0.0.1:${RABBIT_PORT}\n`);
    execSync(`chmod 644 ${config}`);
    node = `RABBITMQ_NODENAME=ftm-test-${RABBIT_PORT}@localhost RABBITMQ_CONFIG_FILE=${config} RABBITMQ_DIST_PORT=${RABBIT_PORT + 20000} `;
  }
  sh(`${node}rabbitmq-server -detached`);
  // Erlang and RabbitMQ take longer to boot than the others.
  await waitFor(RABBIT_PORT, 'RabbitMQ', 120);
}

await ensurePostgres();
await ensureRedis();
await ensureRabbit();
ensurePromtool();
console.log(`services ready: postgres 127.0.0.1:${PG_PORT}, redis 127.0.0.1:${REDIS_PORT}, rabbitmq 127.0.0.1:${RABBIT_PORT}`);
