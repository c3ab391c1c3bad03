/**
 * @health/koa — translates Koa 2/3 contexts to the @health seam: answers the health routes through
 * `ctx.status` and core's Node writer (relative to a `koa-mount` prefix) and awaits `next()` otherwise.
 */

import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import {
  deliver,
  type Health,
  type HealthInput,
  type HealthResponse,
  resolveHealth,
} from '@health/core';
import { sendNodeResponse } from '@health/core/node';

/** The parts of a Koa context the middleware uses: Koa 2 and 3 contexts fit, no `@types/koa` needed. */
export interface KoaContextLike {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  req: IncomingMessage;
  res: ServerResponse;
  status: number;
  respond?: boolean;
}

/** A Koa middleware that also carries the health instance it serves. */
export interface HealthMiddleware {
  (ctx: KoaContextLike, next: () => Promise<unknown>): Promise<void>;
  /** The health instance: `markReady()`, `addServer()`, `addCheck()`, `shutdown()`. */
  readonly health: Health;
}

// Upstream middleware still sees the status; core's Node writer writes the bytes (Koa's body
// setter would re-derive type and length: ~10% per probe).
function writeResponse(ctx: KoaContextLike, response: HealthResponse): void {
  ctx.status = response.status;
  ctx.respond = false;
  sendNodeResponse(ctx.res, response);
}

/**
 * Serves the probe endpoints (`/health`, `/health/live`, `/health/ready`, `/health/started` by
 * default) and awaits `next()` for every other request. Mount it under a prefix with `koa-mount`:
 * `app.use(mount('/ops', healthMiddleware(health)))` answers `/ops/health`.
 * Register the server so shutdown drains it: `health.addServer(app.listen(3000))`.
 * @param healthOrOptions a `Health` from `createHealth()` (share it with the rest of the app),
 *   or options to create one (reach it as `middleware.health`).
 * @example
 * const health = createHealth({ checks: [{ name: 'db', check: () => pool.query('SELECT 1') }],
 *   shutdown: { signals: true, drainDelay: 5000 } });
 * app.use(healthMiddleware(health));
 * health.addServer(app.listen(3000, () => health.markReady()));
 */
export function healthMiddleware(healthOrOptions?: Health | HealthInput): HealthMiddleware {
  const health = resolveHealth(healthOrOptions, '@health/koa');
  const middleware = async (ctx: KoaContextLike, next: () => Promise<unknown>): Promise<void> => {
    const { method, url: path, headers, req } = ctx;
    const answer = health.respond({
      method,
      path,
      headers,
      remoteAddress: req.socket.remoteAddress,
      httpVersionMajor: req.httpVersionMajor,
    });
    if (answer === undefined) {
      await next();
      return;
    }
    const written = deliver(answer, writeResponse, ctx); // sync when cached: no await
    if (written) await written;
  };
  return Object.assign(middleware, { health });
}
