/** The Fastify app every Fastify scenario starts from: the two app routes, logger off. */
import Fastify, { type FastifyInstance } from 'fastify';
import { slowMs } from './common.js';

export function fastifyApp(): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/app/ok', async () => 'ok');
  app.get('/app/slow', (request, reply) => {
    setTimeout(() => void reply.type('text/plain').send('slow'), slowMs(request.url));
  });
  return app;
}
