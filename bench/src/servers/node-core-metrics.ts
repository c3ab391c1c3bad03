/**
 * `node-core` with `@health/metrics` on: `prometheusMetrics(health)` on a prom-client `Registry`
 * (served on `/metrics`, as the metrics README shows). Every probe then also counts in
 * `health_probe_requests_total`; the readiness probe must cost what the plain one does (target
 * ≥ 0.98× `node-core`, same run).
 */
import { createHealth } from '@health/core';
import { prometheusMetrics } from '@health/metrics/prometheus';
import { Registry } from 'prom-client';
import { coreOptions, serveNodeCore } from './node-core-common.js';

const health = createHealth(coreOptions);
const registry = new Registry();
prometheusMetrics(health, { registry });
serveNodeCore(health, {
  route: (req, res) => {
    if (req.url !== '/metrics') return false;
    void registry.metrics().then((text) => {
      res.writeHead(200, { 'content-type': registry.contentType });
      res.end(text);
    });
    return true;
  },
});
