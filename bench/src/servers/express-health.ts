/** @health/express as its README shows: `app.use(healthRouter(health))`, `health.addServer(app.listen())`. */
import { createHealth } from '@health/core';
import { healthRouter } from '@health/express';
import { announce, cacheMs, countedCheck, drainMs, HOST, portOf } from './common.js';
import { expressApp } from './express-app.js';

const health = createHealth({
  checks: [{ name: 'dependency', check: countedCheck, ttl: cacheMs }],
  shutdown: { signals: ['SIGTERM'], drainDelay: drainMs },
  logger: false,
});
const app = expressApp();
app.use(healthRouter(health));
const server = app.listen(0, HOST, () => {
  health.markReady();
  announce({ port: portOf(server.address()) });
});
health.addServer(server);
