/**
 * @godaddy/terminus on node:http as its README shows: `createTerminus(server, { healthChecks,
 * onSignal })`; `beforeShutdown` waits the drain delay when one is configured.
 */
import http from 'node:http';
import { createTerminus } from '@godaddy/terminus';
import {
  announce,
  countedCheck,
  drainMs,
  HOST,
  nodeApp,
  notFound,
  portOf,
  READY_PATH,
} from './common.js';

const server = http.createServer((req, res) => {
  if (!nodeApp(req, res)) notFound(res);
});
createTerminus(server, {
  healthChecks: { [READY_PATH]: () => countedCheck() },
  signals: ['SIGTERM'],
  beforeShutdown: () => new Promise((resolve) => setTimeout(resolve, drainMs)),
  onSignal: async () => {},
  logger: () => {},
});
server.listen(0, HOST, () => announce({ port: portOf(server.address()) }));
