/**
 * @health/metrics — Prometheus and OpenTelemetry metrics for @health, fed by core's events.
 * The back ends are subpaths so that each needs only its own optional peer:
 * `@health/metrics/prometheus` (prom-client) and `@health/metrics/opentelemetry` (@opentelemetry/api).
 * This entry holds what both share and needs neither.
 */
export { DEFAULT_BUCKETS, OPENTELEMETRY_NAMES, PROMETHEUS_NAMES } from './names.js';
export type { StatusLabels } from './series.js';
