/**
 * The gauges both back ends read at scrape/collect time, from `health.snapshot()` (which never
 * runs a check): one status sample per check and probe, and per check and group; the one-hot
 * lifecycle state; the last success per check.
 */
import { type Health, LIFECYCLE_STATES, type LifecycleState } from '@health/core';
import { lastSuccessOf, type Source } from './source.js';

/**
 * Labels of one `health_check_status` sample: `probe` or `group`, never both. A type alias (not an
 * interface) so that it is assignable to prom-client's and OpenTelemetry's label records.
 */
export type StatusLabels = {
  name: string;
  /** `"false"`: a DOWN here degrades its probes (200 by default) instead of failing them. */
  critical: 'true' | 'false';
} & ({ probe: string } | { group: string });

export interface Sample<L> {
  readonly labels: L;
  readonly value: number;
}

export interface Gauges {
  status: Sample<StatusLabels>[];
  state: Sample<{ state: LifecycleState }>[];
  lastSuccess: Sample<{ name: string }>[];
}

/** Reads every gauge once (one snapshot). Checks without a result yet have no status sample. */
export function readGauges(health: Health, source: Source): Gauges {
  const snapshot = health.snapshot();
  const gauges: Gauges = {
    status: [],
    state: LIFECYCLE_STATES.map((state) => ({
      labels: { state },
      value: state === snapshot.state ? 1 : 0,
    })),
    lastSuccess: [],
  };
  for (const check of snapshot.checks) {
    const { name, result } = check;
    const last = lastSuccessOf(source.runs.get(name), result);
    if (last !== undefined) gauges.lastSuccess.push({ labels: { name }, value: last });
    if (result === undefined) continue;
    const value = result.status === 'UP' ? 1 : 0;
    const critical = check.critical ? 'true' : 'false';
    for (const probe of check.probes)
      gauges.status.push({ labels: { name, probe, critical }, value });
    for (const group of check.groups)
      gauges.status.push({ labels: { name, group, critical }, value });
  }
  return gauges;
}
