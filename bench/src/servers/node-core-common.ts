/**
 * What the `node-core*` servers share: core's options as its README sets them up (one counted
 * check cached for `BENCH_CACHE_MS`, SIGTERM handled, no logs) and the node:http server through
 * `createNodeListener` with the app routes behind it. Each variant adds only what it measures.
 */
import http from 'node:http';
import type { Health, HealthOptions } from '@health/core';
import { createNodeListener } from '@health/core/node';
import {
  announce,
  cacheMs,
  countedCheck,
  drainMs,
  HOST,
  nodeApp,
  notFound,
  portOf,
} from './common.js';

/** `createHealth()` options of plain `node-core`; variants spread them and add their own. */
export const coreOptions = {
  checks: [{ name: 'dependency', check: countedCheck, ttl: cacheMs }],
  shutdown: { signals: ['SIGTERM'], drainDelay: drainMs },
  logger: false,
} satisfies HealthOptions;

export interface ServeOptions {
  /** Extra app routes tried before the shared ones; true when it answered. */
  route?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
  /** Called once listening and ready, instead of announcing at once (e.g. after clients connect). */
  ready?: (port: number) => void;
}

/** Serves `health` on 127.0.0.1 (port 0), marks it ready and announces it (or calls `ready`). */
export function serveNodeCore(health: Health, options: ServeOptions = {}): http.Server {
  const server = http.createServer(
    createNodeListener(health, (req, res) => {
      if (options.route?.(req, res)) return;
      if (!nodeApp(req, res)) notFound(res);
    }),
  );
  health.addServer(server);
  server.listen(0, HOST, () => {
    health.markReady();
    const port = portOf(server.address());
    if (options.ready) options.ready(port);
    else announce({ port });
  });
  return server;
}
