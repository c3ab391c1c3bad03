/** @health/koa as its README shows: `app.use(healthMiddleware(health))`, `health.addServer(app.listen())`. */
import { createHealth } from '@health/core';
import { healthMiddleware } from '@health/koa';
import { announce, cacheMs, countedCheck, drainMs, HOST, portOf } from './common.js';
import { appRoutes, koaApp } from './koa-app.js';

const health = createHealth({
  checks: [{ name: 'dependency', check: countedCheck, ttl: cacheMs }],
  shutdown: { signals: ['SIGTERM'], drainDelay: drainMs },
  logger: false,
});
const app = koaApp();
app.use(healthMiddleware(health));
app.use(appRoutes);
const server = app.listen(0, HOST, () => {
  health.markReady();
  announce({ port: portOf(server.address()) });
});
health.addServer(server);
