/**
 * @health/metrics/prometheus — registers @health's metrics on a prom-client registry (the user's,
 * or prom-client's global `register`; never one of its own). Gauges and counters are written when
 * the registry is scraped (`collect`), from one snapshot and the plain totals of `watch()`; only
 * the duration histogram is fed per run, because it needs every sample.
 */
import { type Health, LIFECYCLE_STATES } from '@health/core';
import { Counter, Gauge, Histogram, type Metric, type Registry, register } from 'prom-client';
import { assertHealth, checkBuckets, optionError } from './errors.js';
import { DEFAULT_BUCKETS, PROMETHEUS_NAMES as N } from './names.js';
import { readGauges } from './series.js';
import { watch } from './source.js';

export interface PrometheusMetricsOptions {
  /**
   * The registry to register on.
   * @default prom-client's global `register`
   */
  registry?: Registry;
  /**
   * `health_check_duration_seconds` buckets, in seconds.
   * @default [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
   */
  buckets?: readonly number[];
}

/** What {@link prometheusMetrics} returns. */
export interface MetricsHandle {
  /** Unsubscribes from the health instance and removes the metrics from the registry. Idempotent. */
  stop(): void;
}

const KNOWN = ['registry', 'buckets'];

/**
 * Exports `health`'s checks, lifecycle and probe answers as Prometheus metrics.
 * @example
 * import { register } from 'prom-client';
 * prometheusMetrics(health); // on prom-client's global register
 * app.get('/metrics', async (_req, res) => {
 *   res.type(register.contentType).send(await register.metrics());
 * });
 */
export function prometheusMetrics(
  health: Health,
  options: PrometheusMetricsOptions = {},
): MetricsHandle {
  assertHealth(health);
  if (options === null || typeof options !== 'object')
    throw optionError('options', 'must be an object');
  for (const key of Object.keys(options))
    if (!KNOWN.includes(key))
      throw optionError(key, `is not a known option (known: ${KNOWN.join(', ')})`);
  const registry = options.registry ?? register;
  if (typeof registry?.registerMetric !== 'function' || typeof registry.metrics !== 'function')
    throw optionError('registry', 'must be a prom-client Registry');
  const buckets = checkBuckets(options.buckets) ?? DEFAULT_BUCKETS;
  const taken = Object.values(N).filter((name) => registry.getSingleMetric(name) !== undefined);
  if (taken.length > 0)
    throw optionError(
      'registry',
      `already has ${taken.join(', ')}: stop() the other prometheusMetrics() on it first, or pass another registry (one health instance per registry)`,
    );

  const registers = [registry];
  const durations = new Histogram({
    name: N.checkDuration,
    help: 'Duration of check runs (cached answers are not runs), in seconds.',
    labelNames: ['name'],
    buckets: [...buckets],
    registers,
  });
  const source = watch(health, (result) => {
    durations.observe({ name: result.name }, result.duration / 1000);
  });

  // One snapshot per scrape, shared by the gauges that need it (collected in the same tick).
  let gauges: ReturnType<typeof readGauges> | undefined;
  const read = () => {
    if (gauges === undefined) {
      gauges = readGauges(health, source);
      queueMicrotask(() => {
        gauges = undefined;
      });
    }
    return gauges;
  };
  const metrics: Metric[] = [durations];
  metrics.push(
    new Gauge({
      name: N.checkStatus,
      help: 'Reported status of each check per probe or group: 1 UP, 0 DOWN; critical="false" marks checks whose DOWN degrades instead of failing.',
      labelNames: ['name', 'probe', 'group', 'critical'],
      registers,
      collect() {
        this.reset();
        for (const { labels, value } of read().status) this.set(labels, value);
      },
    }),
    new Gauge({
      name: N.checkLastSuccess,
      help: 'When each check last passed a run, in seconds since the epoch.',
      labelNames: ['name'],
      registers,
      collect() {
        this.reset();
        for (const { labels, value } of read().lastSuccess) this.set(labels, value);
      },
    }),
    new Gauge({
      name: N.state,
      help: 'The lifecycle state, one-hot: STARTING, UP, STOPPING, DOWN, ERRORED.',
      labelNames: ['state'],
      registers,
      collect() {
        const current = health.state;
        for (const state of LIFECYCLE_STATES) this.set({ state }, current === state ? 1 : 0);
      },
    }),
    new Counter({
      name: N.checkRuns,
      help: 'Check runs by raw outcome (before thresholds); cached answers are not runs.',
      labelNames: ['name', 'status'],
      registers,
      collect() {
        this.reset();
        for (const { name, up, down } of source.runs.values()) {
          if (up > 0) this.inc({ name, status: 'UP' }, up);
          if (down > 0) this.inc({ name, status: 'DOWN' }, down);
        }
      },
    }),
    new Counter({
      name: N.probeRequests,
      help: 'Probe answers by probe (or group, or probe/check) and HTTP status code.',
      labelNames: ['probe', 'code'],
      registers,
      collect() {
        this.reset();
        for (const { probe, code, count } of source.requests)
          if (count > 0) this.inc({ probe, code }, count);
      },
    }),
  );

  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      source.stop();
      // Only ours: a metric registered under one of these names after stop() is not touched.
      for (const name of Object.values(N)) {
        const metric = registry.getSingleMetric(name);
        if (metric !== undefined && metrics.includes(metric)) registry.removeSingleMetric(name);
      }
    },
  };
}
