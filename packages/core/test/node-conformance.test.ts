// Core alone serves a plain node:http service: it runs the same conformance suite as every adapter.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeListener } from '@health/core/node';
import { runAdapterConformance } from '@health/test-utils';

runAdapterConformance('node:http (core)', async ({ health, prefix = '' }) => {
  const app: http.RequestListener = (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/app/ok') return void res.end('ok');
    if (url.pathname === '/app/slow')
      return void setTimeout(() => res.end('slow'), Number(url.searchParams.get('ms')));
    res.writeHead(404).end();
  };
  const healthListener = createNodeListener(health, app);
  const server = http.createServer((req, res) => {
    // A prefix mount: strip it for the health listener, as a router would.
    if (prefix && req.url?.startsWith(`${prefix}/`)) {
      req.url = req.url.slice(prefix.length);
      return healthListener(req, res);
    }
    if (prefix) return app(req, res);
    healthListener(req, res);
  });
  health.addServer(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
});
