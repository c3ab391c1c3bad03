/**
 * `node-core` with `@health/metrics` on: `prometheusMetrics(health)` on a prom-client `Registry`
 * (served on `/metrics`, as the metrics README shows). Every probe then also counts in
 * `health_probe_requests_total`; the readiness probe must cost what the plain one does (target
 * ≥ 0.98× `node-core`, same run).
 */
import http from 'node:http';
import { createHealth } from '@health/core';
import { createNodeListener } from '@health/core/node';
import { prometheusMetrics } from '@health/metrics/prometheus';
import { Registry } from 'prom-client';
import {
  announce,
  cacheMs,
  countedCheck,
  drainMs,
  HOST,
  nodeApp,
  notFound,
  portOf,
} from './common.js';

const health = createHealth({
  checks: [{ name: 'dependency', check: countedCheck, ttl: cacheMs }],
  shutdown: { signals: ['SIGTERM'], drainDelay: drainMs },
  logger: false,
});
const registry = new Registry();
prometheusMetrics(health, { registry });
const server = http.createServer(
  createNodeListener(health, (req, res) => {
    if (req.url === '/metrics') {
      void registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(text);
      });
      return;
    }
    if (!nodeApp(req, res)) notFound(res);
  }),
);
health.addServer(server);
server.listen(0, HOST, () => {
  health.markReady();
  announce({ port: portOf(server.address()) });
});
