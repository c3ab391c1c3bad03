/**
 * The Fastify example service, as a pure function of its dependencies: one business route that
 * reads from the database the service holds, and the probe endpoints of the @health/fastify plugin.
 */
import type { Health } from '@health/core';
import type { Database } from '@health/example-shared-checks';
import { healthPlugin } from '@health/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { register } from 'prom-client';

export interface AppDependencies {
  health: Health;
  db: Database;
  /** Pino level for the app (`LOG_LEVEL`); probes log only warnings and errors whatever it is. */
  logLevel?: string;
}

export function buildApp({ health, db, logLevel = 'warn' }: AppDependencies): FastifyInstance {
  const app = Fastify({ logger: { level: logLevel } });
  // GET/HEAD /health, /health/live, /health/ready, /health/started, and `app.health`. The plugin
  // registers app.server for graceful shutdown and ties health.shutdown() to app.close().
  app.register(healthPlugin, { health, logLevel: 'warn' });
  // Prometheus scrapes prom-client's registry (main.ts put @health/metrics on it).
  app.get('/metrics', async (_request, reply) =>
    reply.type(register.contentType).send(await register.metrics()),
  );
  app.get('/api/greeting', async () => {
    const result = (await db.query(
      "SELECT 'Hello from Fastify' AS greeting, current_setting('server_version') AS postgres",
    )) as { rows: { greeting: string; postgres: string }[] };
    return result.rows[0];
  });
  return app;
}
