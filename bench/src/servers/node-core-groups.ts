/**
 * `node-core` with core's second step switched on: 10 tagged checks (the counted one among them),
 * failure/success thresholds, 3 groups on their own paths and readiness on an extra path. The
 * readiness probe must cost what the plain one does (target ≥ 0.97× `node-core`, same run).
 */
import { createHealth } from '@health/core';
import { cacheMs, countedCheck } from './common.js';
import { coreOptions, serveNodeCore } from './node-core-common.js';

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
  shutdown: coreOptions.shutdown,
  logger: false,
});
serveNodeCore(health);
