/**
 * @health/koa — translates Koa 2/3 contexts to the @health seam: answers the health routes through
 * `ctx.status`, `ctx.body` and `ctx.set()` (relative to a `koa-mount` prefix) and awaits `next()` otherwise.
 */

import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { type Health, type HealthOptions, isPending, resolveHealth } from '@health/core';

/** The parts of a Koa context the middleware uses: Koa 2 and 3 contexts fit, no `@types/koa` needed. */
export interface KoaContextLike {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  req: IncomingMessage;
  status: number;
  body: unknown;
  set(headers: Record<string, string>): void;
}

/** A Koa middleware that also carries the health instance it serves. */
export interface HealthMiddleware {
  (ctx: KoaContextLike, next: () => Promise<unknown>): Promise<void>;
  /** The health instance: `markReady()`, `addServer()`, `addCheck()`, `shutdown()`. */
  readonly health: Health;
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
export function healthMiddleware(healthOrOptions?: Health | HealthOptions): HealthMiddleware {
  const health = resolveHealth(healthOrOptions);
  const middleware = async (ctx: KoaContextLike, next: () => Promise<unknown>): Promise<void> => {
    const { method, url: path, headers, req } = ctx;
    const answer = health.respond({
      method,
      path,
      headers,
      remoteAddress: req.socket.remoteAddress,
    });
    if (answer === undefined) {
      await next();
      return;
    }
    // Cached results answer synchronously: no await on the fast path.
    const response = isPending(answer) ? await answer : answer;
    ctx.status = response.status;
    ctx.body = response.body;
    // After the body: Koa derives a text/plain type and the length from it (0 for HEAD); ours win.
    ctx.set(response.headers);
  };
  return Object.assign(middleware, { health });
}
