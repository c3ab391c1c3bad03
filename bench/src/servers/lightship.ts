/**
 * lightship as its README shows: its own probe server (Fastify, port from lightship), the app on
 * node:http, `registerShutdownHandler(() => server.close())`, `signalReady()` once listening.
 * lightship binds its probe server to 0.0.0.0 (not configurable); load only goes to 127.0.0.1.
 */
import http from 'node:http';
import { createLightship } from 'lightship';
import { announce, drainMs, HOST, nodeApp, notFound, portOf } from './common.js';

const lightship = await createLightship({
  detectKubernetes: false,
  port: 0,
  shutdownDelay: drainMs,
  signals: ['SIGTERM'],
});
const server = http.createServer((req, res) => {
  if (!nodeApp(req, res)) notFound(res);
});
lightship.registerShutdownHandler(
  () => new Promise<void>((resolve) => server.close(() => resolve())),
);
server.listen(0, HOST, () => {
  lightship.signalReady();
  announce({
    port: portOf(server.address()),
    probePort: portOf(lightship.server.address()),
    probePath: '/ready',
  });
});
