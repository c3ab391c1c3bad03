/**
 * Starts the NestJS example: Nest builds its modules (fast: the database provider is a handle
 * whose queries wait for the open), listens on PORT (Express platform, or Fastify with
 * PLATFORM=fastify) and only then opens the database (embedded PGlite, off the main thread,
 * unless DATABASE_URL is set) and warms up, then marks the service ready. Until then liveness
 * answers 200 and readiness/startup 503. Shuts down gracefully on SIGTERM/SIGINT.
 */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Health } from '@health/core';
import { startDatabase, warmUp } from '@health/example-shared-checks';
import { prometheusMetrics } from '@health/metrics/prometheus';
import { HEALTH } from '@health/nestjs';
import { buildApp } from './app.js';

const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
const { db, opened } = startDatabase();
const app = await buildApp({
  db,
  platform: process.env.PLATFORM === 'fastify' ? 'fastify' : 'express',
  drainDelay: Number(process.env.DRAIN_DELAY_MS ?? 5000),
});
// Nest's own shutdown hooks run too (DatabaseModule closes the database in onApplicationShutdown).
app.enableShutdownHooks();
// Check status, runs, durations, lifecycle and probe answers on prom-client's global register (/metrics).
prometheusMetrics(app.get<Health>(HEALTH as never));
// 1. Listen first: the probes answer STARTING while the service initialises.
await app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '0.0.0.0');
const { port } = app.getHttpServer().address() as AddressInfo;
console.log(`listening on http://127.0.0.1:${port}`);

// 2. Initialise (database, warm-up), 3. then ready (HealthModule has readyOnBootstrap: false).
await opened;
await warmUp();
app.get<Health>(HEALTH as never).markReady();
console.log(`ready; longest event-loop stall during start: ${Math.round(loop.max / 1e6)} ms`);
loop.disable();
