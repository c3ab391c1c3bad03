// The shared adapter conformance suite against a real Fastify 5 app on a real listening server.
import type { AddressInfo } from 'node:net';
import { healthPlugin } from '@health/fastify';
import { runAdapterConformance } from '@health/test-utils';
import Fastify from 'fastify';

runAdapterConformance('fastify 5', async ({ health, prefix }) => {
  const app = Fastify();
  // As the README says: register the plugin with the instance; it wires addServer + onClose.
  await app.register(healthPlugin, prefix === undefined ? { health } : { health, prefix });
  app.get('/app/ok', async () => 'ok');
  app.get<{ Querystring: { ms?: string } }>('/app/slow', async (request) => {
    await new Promise((resolve) => setTimeout(resolve, Number(request.query.ms ?? 0)));
    return 'slow';
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: async () => {
      app.server.closeAllConnections();
      await app.close();
    },
  };
});
