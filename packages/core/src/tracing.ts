/**
 * Check runs on a `node:diagnostics_channel` tracing channel, so OpenTelemetry, APM agents and
 * `@health/metrics` can make a span or a sample per run without core depending on any of them.
 *
 * Public API: `tracingChannel('health:check')`, i.e. the channels `tracing:health:check:start`,
 * `:end`, `:asyncStart`, `:asyncEnd` and `:error`, each published with one {@link CheckRunContext}
 * per run. `start` when a run begins, `end` once the check function has returned (synchronously),
 * `error` when the run failed, then `asyncStart`/`asyncEnd` when its result is known. Cached
 * answers are not runs and publish nothing. Nothing is built unless someone subscribed.
 */
import diagnostics from 'node:diagnostics_channel';
import type { CheckResult } from './engine.js';

/** The name of the tracing channel every check run is published on. */
export const CHECK_CHANNEL = 'health:check';

/** What each event of a check run carries (the same object through one run). */
export interface CheckRunContext {
  /** The health instance the check belongs to (filter on it when several exist). */
  readonly health: object;
  readonly name: string;
  readonly tags: readonly string[];
  /** The run's timeout in milliseconds. */
  readonly timeout: number;
  /** `probe`: a probe needed a fresh result; `interval`: the background refresh. */
  readonly trigger: 'probe' | 'interval';
  /** Set before `asyncEnd` (and `error`): the run's raw outcome, before thresholds. */
  result?: CheckResult;
  /** Set before `error`: what the check threw, or an Error saying why the run failed. */
  error?: unknown;
}

const channel = diagnostics.tracingChannel<CheckRunContext>(CHECK_CHANNEL);

/** The run's channels, or undefined when nobody listens (the common, free case). */
export function checkChannel(): typeof channel | undefined {
  return channel.start.hasSubscribers ||
    channel.end.hasSubscribers ||
    channel.asyncEnd.hasSubscribers ||
    channel.error.hasSubscribers
    ? channel
    : undefined;
}
