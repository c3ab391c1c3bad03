/**
 * Bare node:http: a hand-written `{"status":"UP"}` readiness route, and on SIGTERM a plain
 * `server.close()` (what most hand-rolled services do).
 */
import http from 'node:http';
import { announce, HOST, nodeApp, notFound, portOf, READY_PATH, UP_JSON } from './common.js';

const server = http.createServer((req, res) => {
  if (req.url === READY_PATH) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(UP_JSON);
    return;
  }
  if (!nodeApp(req, res)) notFound(res);
});
process.once('SIGTERM', () => server.close());
server.listen(0, HOST, () => announce({ port: portOf(server.address()) }));
