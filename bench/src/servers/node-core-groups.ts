/**
 * `node-core` with core's second step switched on: 10 tagged checks (the counted one among them),
 * failure/success thresholds, 3 groups on their own paths and readiness on an extra path. The
 * readiness probe must cost what the plain one does (target ≥ 0.97× `node-core`, same run).
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

const tags = ['sql', 'cache', 'payments'] as const;
const health = createHealth({
  checks: [
    { name: 'dependency', check: countedCheck, ttl: cacheMs, tags: ['sql'], failureThreshold: 3 },
    ...Array.from({ length: 9 }, (_, i) => ({
      name: `check-${i}`,
      check: () => true,
      ttl: cacheMs,
      tags: [tags[i % 3] as string],
      failureThreshold: 3,
      successThreshold: 2,
    })),
  ],
  paths: { readiness: ['/health/ready', '/readyz'] },
  groups: Object.fromEntries(tags.map((tag) => [tag, { include: [`tag:${tag}`] }])),
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
