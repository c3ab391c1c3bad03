/** @health/fastify as its README shows: `app.register(healthPlugin, { health })`, SIGTERM handled by core. */
import { createHealth } from '@health/core';
import { healthPlugin } from '@health/fastify';
import { announce, cacheMs, countedCheck, drainMs, HOST, portOf } from './common.js';
import { fastifyApp } from './fastify-app.js';

const health = createHealth({
  checks: [{ name: 'dependency', check: countedCheck, ttl: cacheMs }],
  shutdown: { signals: ['SIGTERM'], drainDelay: drainMs },
  logger: false,
});
const app = fastifyApp();
await app.register(healthPlugin, { health });
await app.listen({ port: 0, host: HOST });
health.markReady();
announce({ port: portOf(app.server.address()) });
