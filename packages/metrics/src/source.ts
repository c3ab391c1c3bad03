/**
 * What both back ends read: one subscription to core's events per health instance, kept as plain
 * numbers. Runs come from the `health:check` tracing channel's `asyncEnd` (a cached answer
 * publishes nothing, so it is not counted); probe answers from `health.onResponse`. The hot path
 * (a cached probe) costs one identity compare and one `count++`: no label hashing, no allocation.
 * The back ends turn these numbers into series when they are scraped or collected.
 */
import diagnostics from 'node:diagnostics_channel';
import { CHECK_CHANNEL, type CheckResult, type CheckRunContext, type Health } from '@health/core';

/** Runs of one check, by raw outcome (before thresholds: a run either passed or it did not). */
export interface RunTotals {
  readonly name: string;
  up: number;
  down: number;
  /** Seconds since the epoch of the last passing run. */
  lastSuccess: number | undefined;
}

/** Answers of one route with one status code. */
export interface RequestTotal {
  readonly probe: string;
  readonly code: string;
  count: number;
}

/** The route shape core passes to `onResponse` (one frozen object per route). */
type Route = Parameters<Parameters<Health['onResponse']>[0]>[0];

export interface Source {
  readonly runs: ReadonlyMap<string, RunTotals>;
  readonly requests: readonly RequestTotal[];
  /** Unsubscribes from core. Idempotent. */
  stop(): void;
}

const ASYNC_END = `tracing:${CHECK_CHANNEL}:asyncEnd`;

/** The `probe` label of a route: the probe or group, or `<probe>/<check>` for a per-check route. */
export function probeLabel(route: Route): string {
  return route.kind === 'check' ? `${route.probe}/${route.name}` : route.name;
}

/**
 * Subscribes to `health`'s runs and answers. `onRun` is called once per finished run (for the
 * duration histograms, which need every sample).
 */
export function watch(health: Health, onRun: (result: CheckResult) => void): Source {
  const runs = new Map<string, RunTotals>();
  const requests: RequestTotal[] = [];
  const byRoute = new Map<Route, Map<number, RequestTotal>>();
  let lastRoute: Route | undefined;
  let lastStatus = 0;
  let lastTotal: RequestTotal | undefined;

  const onRunEnd = (message: unknown) => {
    const context = message as CheckRunContext;
    if (context.health !== health || context.result === undefined) return;
    const { result } = context;
    let totals = runs.get(result.name);
    if (totals === undefined) {
      totals = { name: result.name, up: 0, down: 0, lastSuccess: undefined };
      runs.set(result.name, totals);
    }
    if (result.status === 'UP') {
      totals.up++;
      totals.lastSuccess = result.at / 1000;
    } else totals.down++;
    onRun(result);
  };

  const slowPath = (route: Route, status: number): RequestTotal => {
    let codes = byRoute.get(route);
    if (codes === undefined) {
      codes = new Map();
      byRoute.set(route, codes);
    }
    let total = codes.get(status);
    if (total === undefined) {
      total = { probe: probeLabel(route), code: String(status), count: 0 };
      codes.set(status, total);
      requests.push(total);
    }
    return total;
  };

  const onAnswer = (route: Route, status: number) => {
    // Probes come in runs of the same route and status: remember the last one.
    if (route !== lastRoute || status !== lastStatus || lastTotal === undefined) {
      lastTotal = slowPath(route, status);
      lastRoute = route;
      lastStatus = status;
    }
    lastTotal.count++;
  };

  diagnostics.subscribe(ASYNC_END, onRunEnd);
  const offResponse = health.onResponse(onAnswer);
  let stopped = false;
  return {
    runs,
    requests,
    stop() {
      if (stopped) return;
      stopped = true;
      diagnostics.unsubscribe(ASYNC_END, onRunEnd);
      offResponse();
    },
  };
}

/** Seconds since the epoch of the last passing run: from the runs seen, else from the snapshot. */
export function lastSuccessOf(
  totals: RunTotals | undefined,
  result: CheckResult | undefined,
): number | undefined {
  if (totals?.lastSuccess !== undefined) return totals.lastSuccess;
  // Runs before metrics were attached: a reported UP with no failure in a row was a passing run.
  if (result?.status === 'UP' && result.consecutiveFailures === undefined && !result.stale)
    return result.at / 1000;
  return undefined;
}
