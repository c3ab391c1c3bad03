/**
 * The @health demo: an Express service on embedded defaults that prints its lifecycle as it goes,
 * STARTING -> (database + ~2 s warm-up) -> UP -> Ctrl-C/SIGTERM -> STOPPING -> drain -> DOWN.
 */
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createHealth, type HealthLogger, type HealthRequest, STATUS_TABLE } from '@health/core';
import { openDatabase, serviceChecks } from '@health/example-shared-checks';
import { healthRouter } from '@health/express';
import { prometheusMetrics } from '@health/metrics/prometheus';
import express from 'express';
import { register } from 'prom-client';

// The longest event-loop stall during start, printed at markReady (the probes must never wait 1 s).
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const stamp = () => new Date().toISOString().slice(11, 23);
const print = (line: string) => console.log(`${stamp()}  ${line}`);
const logger: HealthLogger = {
  info: (message) => print(`[health] ${message}`),
  warn: (message) => print(`[health] WARN ${message}`),
  error: (message) => console.error(`${stamp()}  [health] ERROR ${message}`),
};
/** Details (check names, latencies, messages) only for callers on this machine. */
const fromLoopback = ({ remoteAddress: a }: HealthRequest) =>
  a === '::1' || /^(::ffff:)?127\./.test(a ?? '');

const health = createHealth({
  logger,
  showDetails: fromLoopback,
  shutdown: { signals: true, drainDelay: env('DRAIN_DELAY_MS', 3000) },
});
const banner = (state: keyof typeof STATUS_TABLE, note = '') => {
  const codes = Object.entries(STATUS_TABLE[state]).map(([probe, code]) => `${probe} ${code}`);
  print(`==> ${state.padEnd(8)} ${codes.join(' · ')}${note}`);
};
health.onStateChange(({ to, reason }) => banner(to, reason ? `  (${reason})` : ''));
banner('STARTING');

const app = express();
app.use((req, res, next) => {
  res.on('finish', () => print(`${req.method} ${req.originalUrl} -> ${res.statusCode}`));
  next();
});
app.use(healthRouter(health));
// @health/metrics on prom-client's global register, scraped at /metrics.
prometheusMetrics(health);
app.get('/metrics', async (_req, res) => {
  res.type(register.contentType).send(await register.metrics());
});
let greet = async () => ({ greeting: 'still starting' });
app.get('/api/greeting', async (_req, res) => {
  res.json(await greet());
});

const server = app.listen(env('PORT', 3000), process.env.HOST ?? '127.0.0.1', (error) => {
  if (error) throw error; // Express 5 reports EADDRINUSE here
  const { port } = server.address() as AddressInfo;
  print(`listening on http://127.0.0.1:${port}`);
  const urls = Object.entries({ ...health.paths, app: '/api/greeting' });
  for (const [name, path] of urls) print(`  ${name.padEnd(9)} curl -i localhost:${port}${path}`);
  print('  (checks and details are shown to loopback callers only; Ctrl-C or SIGTERM to stop)');
});
health.addServer(server);

print('opening the database (embedded PGlite in a worker thread unless DATABASE_URL is set)...');
const db = await openDatabase();
for (const check of serviceChecks({ db })) health.addCheck(check);
health.onShutdown('database', async () => {
  print('closing the database');
  await db.close();
});
greet = async () => {
  const result = (await db.query("SELECT 'Hello from the demo' AS greeting")) as {
    rows: { greeting: string }[];
  };
  return result.rows[0] ?? { greeting: '' };
};
const warmup = env('WARMUP_MS', 2000);
print(`database ${db.kind} open; warming up for ${warmup} ms`);
await new Promise((resolve) => setTimeout(resolve, warmup));
health.markReady();
print(`longest event-loop stall during start: ${Math.round(loop.max / 1e6)} ms`);
loop.disable();
