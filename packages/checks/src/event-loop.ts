/**
 * The event loop: how late a timer fires (a perf_hooks histogram) and how busy the loop is
 * (`performance.eventLoopUtilization`), both over the window since the previous run.
 */
import { createHistogram, performance } from 'node:perf_hooks';
import { type CheckDefinition, down, up } from '@health/core';
import { assertRange, type CheckOptions, defineCheck, optionError } from './shared.js';

export interface EventLoopDelayCheckOptions extends CheckOptions {
  /**
   * Which statistic is compared to `threshold`: a percentile (`99`, `50`...) or `'max'`.
   * @default 99
   */
  percentile?: number | 'max';
  /** Milliseconds of delay above which the check fails. @default 200 */
  threshold?: number;
  /** Sampling interval of the histogram in milliseconds. @default 20 */
  resolution?: number;
}

const ms = (ns: number) => Math.round(ns / 1e4) / 100;
const ns = (milliseconds: number) => Math.max(1, Math.round(milliseconds * 1e6));

/**
 * Fails when the event loop was delayed by more than `threshold` ms (at `percentile`) since the
 * previous run.
 *
 * Sampling works like `perf_hooks.monitorEventLoopDelay` (a timer every `resolution` ms records
 * how late it fired, into a perf_hooks histogram), with two differences that matter for a probe:
 * the first delay after each window is recorded (monitorEventLoopDelay drops it after
 * `reset()`), and a delay still in progress when the check runs counts too. The timer is
 * `unref()`ed and starts when the check is created.
 * @example
 * eventLoopDelayCheck({ probes: ['liveness'], percentile: 'max', threshold: 1000 })
 */
export function eventLoopDelayCheck(options: EventLoopDelayCheckOptions = {}): CheckDefinition {
  const percentile = options.percentile ?? 99;
  const threshold = options.threshold ?? 200;
  const resolution = options.resolution ?? 20;
  if (percentile !== 'max' && !(percentile > 0 && percentile <= 100)) {
    throw optionError(
      'percentile',
      `must be 'max' or a number in (0, 100], got ${String(percentile)}`,
    );
  }
  if (!(resolution >= 1)) {
    throw optionError('resolution', `must be at least 1 ms, got ${String(resolution)}`);
  }
  assertRange('threshold', options.threshold, 0, Number.MAX_SAFE_INTEGER);
  const histogram = createHistogram();
  let previous = performance.now();
  const sample = (now: number) => {
    histogram.record(ns(now - previous - resolution));
    previous = now;
  };
  const timer = setInterval(() => sample(performance.now()), resolution);
  timer.unref();
  // core calls dispose on removeCheck, close() and at the end of shutdown.
  const definition = defineCheck({ name: 'event-loop-delay', dependency: false }, options, () => {
    const now = performance.now();
    // The loop may have just come back from a long block: the timer has not fired yet.
    if (now - previous > 2 * resolution) sample(now);
    const samples = histogram.count;
    const observed =
      samples === 0 ? 0 : percentile === 'max' ? histogram.max : histogram.percentile(percentile);
    const label = percentile === 'max' ? 'max' : `p${percentile}`;
    const details = {
      [`${label}Ms`]: ms(observed),
      p50Ms: samples === 0 ? 0 : ms(histogram.percentile(50)),
      maxMs: samples === 0 ? 0 : ms(histogram.max),
      thresholdMs: threshold,
      samples,
    };
    histogram.reset();
    if (ms(observed) > threshold) {
      return down(`event loop delay ${label} ${ms(observed)} ms exceeds ${threshold} ms`, details);
    }
    return up(details);
  });
  const own = definition.dispose;
  return {
    ...definition,
    dispose: () => {
      clearInterval(timer);
      histogram.reset();
      own?.();
    },
  };
}

export interface EventLoopUtilizationCheckOptions extends CheckOptions {
  /** Utilization (0–1) above which the check fails. @default 0.95 */
  threshold?: number;
}

/**
 * Fails when the event loop was busy more than `threshold` of the time since the previous run.
 * @example
 * eventLoopUtilizationCheck({ threshold: 0.9 })
 */
export function eventLoopUtilizationCheck(
  options: EventLoopUtilizationCheckOptions = {},
): CheckDefinition {
  assertRange('threshold', options.threshold, 0, 1);
  const threshold = options.threshold ?? 0.95;
  let last = performance.eventLoopUtilization();
  return defineCheck({ name: 'event-loop-utilization', dependency: false }, options, () => {
    const now = performance.eventLoopUtilization();
    const delta = performance.eventLoopUtilization(now, last);
    last = now;
    const utilization = Math.round(delta.utilization * 1000) / 1000;
    const details = { utilization, threshold, windowMs: Math.round(delta.idle + delta.active) };
    if (utilization > threshold) {
      return down(`event loop utilization ${utilization} exceeds ${threshold}`, details);
    }
    return up(details);
  });
}
