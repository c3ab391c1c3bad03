/**
 * @health/metrics/opentelemetry — @health's metrics through `@opentelemetry/api` only: the user
 * brings the SDK, the reader and the exporter. Gauges and counters are observable (read once per
 * collection, from one snapshot and the plain totals of `watch()`); the duration histogram is
 * recorded per run. Attribute keys are the Prometheus label names, so both back ends give the
 * same series.
 */
import type { Health } from '@health/core';
import { type Meter, type MeterProvider, metrics } from '@opentelemetry/api';
import { assertHealth, checkBuckets, optionError } from './errors.js';
import { DEFAULT_BUCKETS, OPENTELEMETRY_NAMES as N } from './names.js';
import { readGauges } from './series.js';
import { watch } from './source.js';

export interface OpenTelemetryMetricsOptions {
  /**
   * The meter to create the instruments on.
   * @default (meterProvider ?? metrics).getMeter('@health/metrics')
   */
  meter?: Meter;
  /** A provider to take the meter from, when not the global one. Ignored when `meter` is set. */
  meterProvider?: MeterProvider;
  /**
   * `health.check.duration` bucket boundaries, in seconds (an advice: a View may override it).
   * @default [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
   */
  buckets?: readonly number[];
}

/** What {@link openTelemetryMetrics} returns. */
export interface OpenTelemetryMetricsHandle {
  /** Unsubscribes from the health instance and stops observing. Idempotent. */
  stop(): void;
}

const KNOWN = ['meter', 'meterProvider', 'buckets'];

/**
 * Exports `health`'s checks, lifecycle and probe answers as OpenTelemetry metrics.
 * @example
 * // after the SDK set the global MeterProvider:
 * openTelemetryMetrics(health);
 */
export function openTelemetryMetrics(
  health: Health,
  options: OpenTelemetryMetricsOptions = {},
): OpenTelemetryMetricsHandle {
  assertHealth(health);
  if (options === null || typeof options !== 'object')
    throw optionError('options', 'must be an object');
  for (const key of Object.keys(options))
    if (!KNOWN.includes(key))
      throw optionError(key, `is not a known option (known: ${KNOWN.join(', ')})`);
  if (options.meter !== undefined && typeof options.meter?.createObservableGauge !== 'function')
    throw optionError('meter', 'must be a Meter from @opentelemetry/api');
  const provider = options.meterProvider ?? metrics;
  if (typeof provider?.getMeter !== 'function')
    throw optionError('meterProvider', 'must be a MeterProvider from @opentelemetry/api');
  const buckets = checkBuckets(options.buckets) ?? DEFAULT_BUCKETS;
  const meter = options.meter ?? provider.getMeter('@health/metrics');

  const durations = meter.createHistogram(N.checkDuration, {
    description: 'Duration of check runs (cached answers are not runs).',
    unit: 's',
    advice: { explicitBucketBoundaries: [...buckets] },
  });
  const source = watch(health, (result) => {
    durations.record(result.duration / 1000, { name: result.name });
  });

  const status = meter.createObservableGauge(N.checkStatus, {
    description:
      'Reported status of each check per probe or group: 1 UP, 0 DOWN; critical="false" marks checks whose DOWN degrades instead of failing.',
    unit: '1',
  });
  const lastSuccess = meter.createObservableGauge(N.checkLastSuccess, {
    description: 'When each check last passed a run, in seconds since the epoch.',
    unit: 's',
  });
  const state = meter.createObservableGauge(N.state, {
    description: 'The lifecycle state, one-hot: STARTING, UP, STOPPING, DOWN, ERRORED.',
    unit: '1',
  });
  const runs = meter.createObservableCounter(N.checkRuns, {
    description: 'Check runs by raw outcome (before thresholds); cached answers are not runs.',
    unit: '{run}',
  });
  const requests = meter.createObservableCounter(N.probeRequests, {
    description: 'Probe answers by probe (or group, or probe/check) and HTTP status code.',
    unit: '{request}',
  });
  const observables = [status, lastSuccess, state, runs, requests];

  const observe: Parameters<Meter['addBatchObservableCallback']>[0] = (result) => {
    const gauges = readGauges(health, source);
    for (const { labels, value } of gauges.status) result.observe(status, value, labels);
    for (const { labels, value } of gauges.lastSuccess) result.observe(lastSuccess, value, labels);
    for (const { labels, value } of gauges.state) result.observe(state, value, labels);
    for (const { name, up, down } of source.runs.values()) {
      if (up > 0) result.observe(runs, up, { name, status: 'UP' });
      if (down > 0) result.observe(runs, down, { name, status: 'DOWN' });
    }
    for (const { probe, code, count } of source.requests)
      if (count > 0) result.observe(requests, count, { probe, code });
  };
  meter.addBatchObservableCallback(observe, observables);

  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      source.stop();
      meter.removeBatchObservableCallback(observe, observables);
    },
  };
}
