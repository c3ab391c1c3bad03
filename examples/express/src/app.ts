/**
 * The Express example service, as a pure function of its dependencies: one business route that
 * reads from the database the service holds, and the probe endpoints mounted by @health/express.
 */
import type { Health } from '@health/core';
import type { Database } from '@health/example-shared-checks';
import { healthRouter } from '@health/express';
import express, { type Express } from 'express';
import { register } from 'prom-client';

export interface AppDependencies {
  health: Health;
  db: Database;
}

export function buildApp({ health, db }: AppDependencies): Express {
  const app = express();
  // GET/HEAD /health, /health/live, /health/ready, /health/started; everything else goes on.
  app.use(healthRouter(health));
  // Prometheus scrapes prom-client's registry (main.ts put @health/metrics on it).
  app.get('/metrics', async (_req, res) => {
    res.type(register.contentType).send(await register.metrics());
  });
  // Express 5 forwards a rejected promise to the error handler (500), so no try/catch here.
  app.get('/api/greeting', async (_req, res) => {
    const result = (await db.query(
      "SELECT 'Hello from Express' AS greeting, current_setting('server_version') AS postgres",
    )) as { rows: { greeting: string; postgres: string }[] };
    res.json(result.rows[0]);
  });
  return app;
}
