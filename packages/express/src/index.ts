/**
 * @health/express — translates Express 4/5 requests to the @health seam: a middleware that answers
 * the health routes through core's Node writer (relative to its mount path) and calls `next()` otherwise.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Health, type HealthInput, resolveHealth } from '@health/core';
import { handleNodeRequest } from '@health/core/node';

/**
 * An Express middleware (typed with Node's request/response, so it fits Express 4 and 5 and
 * needs no `@types/express`) that also carries the health instance it serves.
 */
export interface HealthRouter {
  (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void;
  /** The health instance: `markReady()`, `addServer()`, `addCheck()`, `shutdown()`. */
  readonly health: Health;
}

/**
 * Serves the probe endpoints (`/health`, `/health/live`, `/health/ready`, `/health/started` by
 * default) and passes every other request on with `next()`. Paths are relative to where it is
 * mounted: `app.use('/ops', healthRouter(health))` answers `/ops/health`.
 * Register the server so shutdown drains it: `health.addServer(app.listen(3000))`.
 * @param healthOrOptions a `Health` from `createHealth()` (share it with the rest of the app),
 *   or options to create one (reach it as `router.health`).
 * @example
 * const health = createHealth({ checks: [{ name: 'db', check: () => pool.query('SELECT 1') }],
 *   shutdown: { signals: true, drainDelay: 5000 } });
 * app.use(healthRouter(health));
 * health.addServer(app.listen(3000, () => health.markReady()));
 */
export function healthRouter(healthOrOptions?: Health | HealthInput): HealthRouter {
  const health = resolveHealth(healthOrOptions, '@health/express');
  const router = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => {
    if (!handleNodeRequest(health, req, res)) next();
  };
  return Object.assign(router, { health });
}
