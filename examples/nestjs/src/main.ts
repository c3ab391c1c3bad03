/**
 * Starts the NestJS example: opens the database (embedded PGlite unless DATABASE_URL is set),
 * listens on PORT (Express platform, or Fastify with PLATFORM=fastify), and shuts down
 * gracefully on SIGTERM/SIGINT. HealthModule marks the service ready on bootstrap.
 */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { openDatabase } from '@health/example-shared-checks';
import { buildApp } from './app.js';

const db = await openDatabase();
const app = await buildApp({
  db,
  platform: process.env.PLATFORM === 'fastify' ? 'fastify' : 'express',
  drainDelay: Number(process.env.DRAIN_DELAY_MS ?? 5000),
});
// Nest's own shutdown hooks run too (DatabaseModule closes the database in onApplicationShutdown).
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '0.0.0.0');
const { port } = app.getHttpServer().address() as AddressInfo;
console.log(`listening on http://127.0.0.1:${port}`);
