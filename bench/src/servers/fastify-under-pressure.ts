/**
 * @fastify/under-pressure as its README shows: `healthCheck` + `healthCheckInterval` and the
 * status route exposed on the readiness path; `app.close()` on SIGTERM (Fastify's docs).
 */
import underPressure from '@fastify/under-pressure';
import { announce, cacheMs, countedCheck, drainMs, HOST, portOf, READY_PATH } from './common.js';
import { fastifyApp } from './fastify-app.js';

const app = fastifyApp();
await app.register(underPressure, {
  exposeStatusRoute: READY_PATH,
  healthCheck: async () => {
    await countedCheck();
    return true;
  },
  healthCheckInterval: cacheMs,
});
await app.listen({ port: 0, host: HOST });
process.once('SIGTERM', () => setTimeout(() => void app.close(), drainMs));
announce({ port: portOf(app.server.address()) });
