/**
 * The project's performance targets (issue 5), evaluated from a results file: what the report
 * and the chart both show.
 */
import type { BenchResults } from '../run.js';
import { max, min } from '../stats.js';

export const ADAPTER_TARGET = 0.95;

export interface TargetLine {
  subject: string;
  value: string;
  met: boolean;
  /** The per-round spread straddles the target: this run cannot tell. */
  withinNoise?: boolean;
  /** The same target judged by server CPU time per probe (robust to a busy machine). */
  cpuMet?: boolean;
  id: string;
  detail?: string;
}

export interface Targets {
  adapterThroughput: TargetLine[];
  aheadOfPeers: TargetLine[];
  runsPerProbe: TargetLine[];
  coreDependencies: TargetLine[];
  coreImport: TargetLine[];
  shutdown: TargetLine[];
}

export const x = (ratio: number | null | undefined): string =>
  typeof ratio === 'number' && Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : 'n/a';

export function evaluateTargets(results: BenchResults): Targets {
  const groups = results.throughput ?? [];
  const rows = groups.flatMap((g) => g.rows);
  const label = (id: string) => rows.find((r) => r.id === id)?.label ?? id;
  const adapterThroughput = groups.flatMap((g) => {
    const bare = g.rows.find((r) => r.kind === 'bare');
    if (!bare) return [];
    const bareByRound = new Map(bare.samples.map((s) => [s.round, s.rps]));
    return g.rows
      .filter((r) => r.kind === 'ours')
      .map((r) => {
        const perRound = r.samples
          .filter((s) => bareByRound.has(s.round))
          .map((s) => s.rps / (bareByRound.get(s.round) as number));
        const lo = min(perRound);
        const hi = max(perRound);
        return {
          id: r.id,
          subject: `${r.label} vs ${bare.label}`,
          value: `${x(r.ratio)} (rounds ${x(lo)}–${x(hi)})${finite(r.cpuRatio) ? `; by server CPU per probe ${x(r.cpuRatio)}` : ''}`,
          met: r.ratio >= ADAPTER_TARGET,
          withinNoise: lo < ADAPTER_TARGET && hi >= ADAPTER_TARGET,
          cpuMet: finite(r.cpuRatio) ? r.cpuRatio >= ADAPTER_TARGET : undefined,
        };
      });
  });
  const aheadOfPeers = groups.flatMap((g) =>
    g.oursVsPeers.map((p) => ({
      id: `${p.ours}/${p.peer}`,
      subject: `${label(p.ours)} vs ${label(p.peer)}`,
      value: `${x(p.ratio)} the peer’s req/s${finite(p.low) ? ` (rounds ${x(p.low)}–${x(p.high)})` : ''}${finite(p.cpuRatio) ? `; by server CPU per probe ${x(p.cpuRatio)}` : ''}`,
      met: p.ratio > 1,
      withinNoise: p.low <= 1 && p.high > 1,
      cpuMet: finite(p.cpuRatio) ? p.cpuRatio > 1 : undefined,
    })),
  );
  const runsPerProbe = (results.amplification ?? [])
    .filter((r) => r.kind === 'ours')
    .map((r) => ({
      id: r.id,
      subject: r.label,
      value: `${r.checkRuns} runs for ${r.probes.toLocaleString('en-US')} probes in ${r.seconds.toFixed(0)} s (${perProbe(r.runsPerProbe)}/probe; bound ${r.bound})`,
      met: r.probes > 0 && r.checkRuns <= r.bound,
    }));
  const footprint = results.footprint;
  const coreDependencies: TargetLine[] = footprint
    ? [
        {
          id: 'core-deps',
          subject: '@health/core runtime dependencies',
          value: footprint.coreRuntimeDependencies.length
            ? footprint.coreRuntimeDependencies.join(', ')
            : '0',
          met: footprint.coreRuntimeDependencies.length === 0,
        },
      ]
    : [];
  const core = footprint?.imports.find((i) => i.id === '@health/core');
  const coreImport: TargetLine[] =
    footprint && core
      ? footprint.imports
          .filter((i) => i.kind === 'peer')
          .map((peer) => ({
            id: `import/${peer.id}`,
            subject: `@health/core vs ${peer.label}`,
            value: `${core.aloneMs.toFixed(1)} ms vs ${peer.aloneMs.toFixed(1)} ms (each imported alone in a fresh process)`,
            met: core.aloneMs < peer.aloneMs,
          }))
      : [];
  const shutdown = (results.shutdown ?? [])
    .filter((r) => r.kind === 'ours')
    .map((r) => {
      const failed = r.samples.reduce((sum, s) => sum + s.before.failed + s.after.failed, 0);
      const clean = r.samples.every((s) => s.exitMs !== undefined && s.exitCode === 0);
      return {
        id: `shutdown/${r.id}`,
        subject: r.label,
        value: `${failed} failed in ${r.samples.length} round(s); exit ${r.exits.join(', ')}${r.exitMs === undefined ? '' : ` after ${Math.round(r.exitMs)} ms (median)`}`,
        met: failed === 0 && clean,
      };
    });
  return { adapterThroughput, aheadOfPeers, runsPerProbe, coreDependencies, coreImport, shutdown };
}

/** Runs per probe: 5 decimals when small; n/a without probes (JSON turns NaN into null). */
export function perProbe(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return 'n/a';
  return value < 0.01 ? value.toFixed(5) : value.toFixed(2);
}

/** A number that survived JSON (NaN and ±Infinity become null there). */
export const finite = (value: number | null | undefined): value is number =>
  typeof value === 'number' && Number.isFinite(value);

export function signed(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return 'n/a';
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(digits)}`;
}
