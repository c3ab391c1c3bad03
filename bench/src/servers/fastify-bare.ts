/** Bare Fastify 5: a route returning `{ status: 'UP' }`, and `app.close()` on SIGTERM (Fastify's docs). */
import { announce, HOST, portOf, READY_PATH, UP } from './common.js';
import { fastifyApp } from './fastify-app.js';

const app = fastifyApp();
app.get(READY_PATH, async () => UP);
await app.listen({ port: 0, host: HOST });
process.once('SIGTERM', () => void app.close());
announce({ port: portOf(app.server.address()) });
