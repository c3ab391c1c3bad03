/**
 * @health/core on node:http through `createNodeListener`, set up as its README says: one check
 * (cached for `BENCH_CACHE_MS`), the server registered for graceful shutdown, SIGTERM handled.
 */
import http from 'node:http';
import { createHealth } from '@health/core';
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

const health = createHealth({
  checks: [{ name: 'dependency', check: countedCheck, ttl: cacheMs }],
  shutdown: { signals: ['SIGTERM'], drainDelay: drainMs },
  logger: false,
});
const server = http.createServer(
  createNodeListener(health, (req, res) => {
    if (!nodeApp(req, res)) notFound(res);
  }),
);
health.addServer(server);
server.listen(0, HOST, () => {
  health.markReady();
  announce({ port: portOf(server.address()) });
});
