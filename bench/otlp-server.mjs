// The FTM side of bench/otlp: the real @ftm/server app (OTLP receiver at /otlp/v1/traces, API-key
// auth, GenAI span extraction, the built-in sanitizer, batch inserts) on a fresh PostgreSQL
// database, dropped on SIGTERM. Prints { url, key, memory } on stdout.
import { openBenchFtm, serveBenchApp } from './support/bench-server.mjs';
import { startMemoryProbe } from './support/memory-probe.mjs';

const { ftm, cleanup } = await openBenchFtm();
const boot = await ftm.auth.ensureBootstrap();
await serveBenchApp(ftm, cleanup, { key: boot.adminKey.secret, memory: await startMemoryProbe() });
