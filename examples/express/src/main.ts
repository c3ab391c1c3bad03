/**
 * Starts the Express example: listens on PORT first (liveness 200, readiness/startup 503 while
 * STARTING), then opens the database (embedded PGlite, off the main thread, unless DATABASE_URL
 * is set) and warms up, then marks the service ready; shuts down gracefully on SIGTERM/SIGINT.
 */
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createHealth } from '@health/core';
import { dashboard } from '@health/dashboard';
import { serviceChecks, startDatabase, warmUp } from '@health/example-shared-checks';
import { prometheusMetrics } from '@health/metrics/prometheus';
import { buildApp } from './app.js';

const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
const { db, opened } = startDatabase();
const health = createHealth({
  checks: serviceChecks({ db }),
  // SIGTERM: readiness 503 -> drain (the load balancer stops routing here) -> close -> hooks -> exit.
  shutdown: { signals: true, drainDelay: Number(process.env.DRAIN_DELAY_MS ?? 5000) },
});
health.onShutdown('database', () => db.close());
// Check status, runs, durations, lifecycle and probe answers on prom-client's global register (/metrics).
prometheusMetrics(health);

// A live status page at /health/ui (SSE at /health/ui/events); details for this machine only.
// DASHBOARD=0 leaves it out.
if (process.env.DASHBOARD !== '0')
  dashboard(health, {
    title: 'express example',
    showDetails: (req) => /^(127\.|::1$|::ffff:127\.)/.test(req.remoteAddress ?? ''),
  });

// 1. Listen first: the probes answer STARTING while the service initialises.
const app = buildApp({ health, db });
const server = app.listen(
  Number(process.env.PORT ?? 3000),
  process.env.HOST ?? '0.0.0.0',
  (error) => {
    if (error) throw error; // Express 5 reports EADDRINUSE here
    const { port } = server.address() as AddressInfo;
    console.log(`listening on http://127.0.0.1:${port}`);
  },
);
// Shutdown closes this server gracefully: in-flight requests finish, keep-alive clients are told to close.
health.addServer(server);

// 2. Initialise (database, warm-up), 3. then ready.
await opened;
await warmUp();
health.markReady();
console.log(`ready; longest event-loop stall during start: ${Math.round(loop.max / 1e6)} ms`);
loop.disable();
