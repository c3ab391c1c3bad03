/**
 * The Koa example service, as a pure function of its dependencies: one business route that reads
 * from the database the service holds (@koa/router), and the probe endpoints from @health/koa.
 */
import type { Health } from '@health/core';
import type { Database } from '@health/example-shared-checks';
import { healthMiddleware } from '@health/koa';
import Router from '@koa/router';
import Koa from 'koa';
import { register } from 'prom-client';

export interface AppDependencies {
  health: Health;
  db: Database;
}

export function buildApp({ health, db }: AppDependencies): Koa {
  const app = new Koa();
  // GET/HEAD /health, /health/live, /health/ready, /health/started; in front of the router.
  app.use(healthMiddleware(health));
  const router = new Router({ prefix: '/api' });
  router.get('/greeting', async (ctx) => {
    const result = (await db.query(
      "SELECT 'Hello from Koa' AS greeting, current_setting('server_version') AS postgres",
    )) as { rows: { greeting: string; postgres: string }[] };
    ctx.body = result.rows[0];
  });
  // Prometheus scrapes prom-client's registry (main.ts put @health/metrics on it).
  const metrics = new Router();
  metrics.get('/metrics', async (ctx) => {
    ctx.type = register.contentType;
    ctx.body = await register.metrics();
  });
  app.use(router.routes()).use(router.allowedMethods()).use(metrics.routes());
  return app;
}
