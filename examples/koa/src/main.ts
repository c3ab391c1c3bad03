/**
 * Starts the Koa example: opens the database (embedded PGlite unless DATABASE_URL is set),
 * listens on PORT, marks the service ready, and shuts down gracefully on SIGTERM/SIGINT.
 */
import type { AddressInfo } from 'node:net';
import { createHealth } from '@health/core';
import { openDatabase, serviceChecks } from '@health/example-shared-checks';
import { buildApp } from './app.js';

const db = await openDatabase();
const health = createHealth({
  checks: serviceChecks({ db }),
  // SIGTERM: readiness 503 -> drain (the load balancer stops routing here) -> close -> hooks -> exit.
  shutdown: { signals: true, drainDelay: Number(process.env.DRAIN_DELAY_MS ?? 5000) },
});
health.onShutdown('database', () => db.close());

const app = buildApp({ health, db });
const server = app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '0.0.0.0', () => {
  const { port } = server.address() as AddressInfo;
  console.log(`listening on http://127.0.0.1:${port}`);
  health.markReady();
});
// Shutdown closes this server gracefully: in-flight requests finish, keep-alive clients are told to close.
health.addServer(server);
