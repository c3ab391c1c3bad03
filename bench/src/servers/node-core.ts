/**
 * @health/core on node:http through `createNodeListener`, set up as its README says: one check
 * (cached for `BENCH_CACHE_MS`), the server registered for graceful shutdown, SIGTERM handled.
 */
import { createHealth } from '@health/core';
import { coreOptions, serveNodeCore } from './node-core-common.js';

serveNodeCore(createHealth(coreOptions));
