/**
 * Starts the gRPC example: listens on PORT first (liveness SERVING, readiness/startup NOT_SERVING
 * while STARTING), warms up, then marks the service ready; shuts down gracefully on SIGTERM/SIGINT
 * (readiness NOT_SERVING at once, drain, Watch streams end, in-flight calls finish, exit 0).
 */
import * as grpc from '@grpc/grpc-js';
import { createHealth } from '@health/core';
import { buildServer } from './index.js';

const health = createHealth({
  checks: [
    // A stand-in for a real dependency (a pool the service holds): refreshed in the background,
    // so Watch streams hear about a failure without any probe asking.
    { name: 'greetings-store', interval: 1_000, check: () => true },
  ],
  shutdown: { signals: true, drainDelay: Number(process.env.DRAIN_DELAY_MS ?? 5000) },
});

const { server } = buildServer(health);
const host = process.env.HOST ?? '0.0.0.0';
server.bindAsync(
  `${host}:${Number(process.env.PORT ?? 50051)}`,
  grpc.ServerCredentials.createInsecure(),
  (error, port) => {
    if (error) throw error;
    console.log(`listening on grpc://127.0.0.1:${port}`);
  },
);

// Initialise (a warm-up stands in for opening pools), then ready.
await new Promise((resolve) => setTimeout(resolve, Number(process.env.WARMUP_MS ?? 300)));
health.markReady();
console.log('ready');
