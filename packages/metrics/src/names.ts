/**
 * The metric names, per back end. Prometheus names follow the Kubernetes component SLI metrics
 * (`kubernetes_healthcheck`...), so dashboards and alert rules carry over; OpenTelemetry names
 * live in the `health.*` namespace, as OTel's naming rules ask (an OTel → Prometheus exporter
 * turns `health.check.runs` into `health_check_runs_total`, see the README's mapping table).
 */

export const PROMETHEUS_NAMES = {
  checkStatus: 'health_check_status',
  checkRuns: 'health_checks_total',
  checkDuration: 'health_check_duration_seconds',
  checkLastSuccess: 'health_check_last_success_timestamp_seconds',
  state: 'health_state',
  probeRequests: 'health_probe_requests_total',
} as const;

export const OPENTELEMETRY_NAMES = {
  checkStatus: 'health.check.status',
  checkRuns: 'health.check.runs',
  checkDuration: 'health.check.duration',
  checkLastSuccess: 'health.check.last_success',
  state: 'health.state',
  probeRequests: 'health.probe.requests',
} as const;

/** Duration buckets in seconds: checks have a 500 ms timeout by default, probes a deadline. */
export const DEFAULT_BUCKETS: readonly number[] = Object.freeze([
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]);
