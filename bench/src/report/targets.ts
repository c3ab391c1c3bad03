/**
 * The project's performance targets (issue 5), evaluated from a results file: what the report
 * shows.
 */
import type { BenchResults } from '../results.js';
import { type Interval, interval } from '../stats.js';
import type { ThroughputSample } from '../suites/throughput.js';

export const ADAPTER_TARGET = 0.95;
/** By server CPU per probe, per adapter where it is stricter than {@link ADAPTER_TARGET} (issue 15). */
export const CPU_TARGETS: Record<string, number> = { 'fastify-health': 0.98 };
/**
 * Ours with a feature on vs plain ours, same run: groups, tagged checks and thresholds; metrics
 * on (issue 15: ≥ 0.98×); 100 dashboard SSE clients connected (≥ 0.97×).
 */
export const VARIANT_TARGETS: { id: string; base: string; target: number }[] = [
  { id: 'node-core-groups', base: 'node-core', target: 0.97 },
  { id: 'node-core-metrics', base: 'node-core', target: 0.98 },
  { id: 'node-core-dashboard', base: 'node-core', target: 0.97 },
];

/** `met`: the interval's lower bound clears the target; `missed`: its upper bound does not. */
export type Verdict = 'met' | 'not shown' | 'missed' | 'n/a';

export interface TargetLine {
  subject: string;
  value: string;
  met: boolean;
  /** For interval-judged targets. */
  verdict?: Verdict;
  /** The same target judged by server CPU time per probe (robust to a busy machine). */
  cpuVerdict?: Verdict;
  id: string;
  detail?: string;
}

export interface Targets {
  adapterThroughput: TargetLine[];
  aheadOfPeers: TargetLine[];
  variants: TargetLine[];
  runsPerProbe: TargetLine[];
  coreDependencies: TargetLine[];
  coreImport: TargetLine[];
  shutdown: TargetLine[];
}

export const x = (ratio: number | null | undefined): string =>
  typeof ratio === 'number' && Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : 'n/a';

/** `0.99× (95 % CI 0.97–1.01, 10 rounds)` */
export function ci(i: Interval | undefined): string {
  if (!i || !finite(i.mean)) return 'n/a';
  if (!finite(i.low)) return `${x(i.mean)} (1 round, no interval)`;
  return `${x(i.mean)} (95 % CI ${i.low.toFixed(3)}–${i.high.toFixed(3)}, ${i.n} rounds)`;
}

/** Met only when the lower bound clears the target (`strict`: above it, for "ahead of"). */
export function verdict(i: Interval | undefined, target: number, strict = false): Verdict {
  if (!i || !finite(i.low) || !finite(i.high)) return 'n/a';
  if (strict ? i.low > target : i.low >= target) return 'met';
  if (strict ? i.high <= target : i.high < target) return 'missed';
  return 'not shown';
}

export function evaluateTargets(results: BenchResults): Targets {
  const groups = results.throughput ?? [];
  const rows = groups.flatMap((g) => g.rows);
  const label = (id: string) => rows.find((r) => r.id === id)?.label ?? id;
  const adapterThroughput = groups.flatMap((g) => {
    const bare = g.rows.find((r) => r.kind === 'bare');
    if (!bare) return [];
    return g.rows
      .filter((r) => r.kind === 'ours' && !VARIANT_TARGETS.some((v) => v.id === r.id))
      .map((r) => {
        const rps = r.ratioCI ?? pairedInterval(r.samples, bare.samples, (a, b) => a.rps / b.rps);
        const cpu =
          r.cpuRatioCI ?? pairedInterval(r.samples, bare.samples, (a, b) => b.cpuUs / a.cpuUs);
        const cpuTarget = CPU_TARGETS[r.id] ?? ADAPTER_TARGET;
        const v = verdict(rps, ADAPTER_TARGET);
        return {
          id: r.id,
          subject: `${r.label} vs ${bare.label}`,
          value: `req/s ${ci(rps)}; server CPU per probe ${ci(cpu)} (target ≥ ${cpuTarget})`,
          met: v === 'met',
          verdict: v,
          cpuVerdict: verdict(cpu, cpuTarget),
        };
      });
  });
  const aheadOfPeers = groups.flatMap((g) =>
    g.oursVsPeers
      .filter((p) => !VARIANT_TARGETS.some((v) => v.id === p.ours))
      .map((p) => {
        const ours = g.rows.find((r) => r.id === p.ours);
        const peer = g.rows.find((r) => r.id === p.peer);
        const rps = p.ci ?? pairedInterval(ours?.samples, peer?.samples, (a, b) => a.rps / b.rps);
        const cpu =
          p.cpuCI ?? pairedInterval(ours?.samples, peer?.samples, (a, b) => b.cpuUs / a.cpuUs);
        const v = verdict(rps, 1, true);
        return {
          id: `${p.ours}/${p.peer}`,
          subject: `${label(p.ours)} vs ${label(p.peer)}`,
          value: `req/s ${ci(rps)}; CPU per probe (peer ÷ ours) ${ci(cpu)}`,
          met: v === 'met',
          verdict: v,
          cpuVerdict: verdict(cpu, 1, true),
        };
      }),
  );
  const variants = VARIANT_TARGETS.flatMap((t) => {
    const row = rows.find((r) => r.id === t.id);
    const base = rows.find((r) => r.id === t.base);
    if (!row || !base) return [];
    const rps = pairedInterval(row.samples, base.samples, (a, b) => a.rps / b.rps);
    const cpu = pairedInterval(row.samples, base.samples, (a, b) => b.cpuUs / a.cpuUs);
    const v = verdict(rps, t.target);
    return [
      {
        id: t.id,
        subject: `${row.label} vs ${base.label}`,
        value: `req/s ${ci(rps)}; server CPU per probe ${ci(cpu)} (target ≥ ${t.target})`,
        met: v === 'met',
        verdict: v,
        cpuVerdict: verdict(cpu, t.target),
      },
    ];
  });
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
  return {
    adapterThroughput,
    aheadOfPeers,
    variants,
    runsPerProbe,
    coreDependencies,
    coreImport,
    shutdown,
  };
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

/** Interval of `f(a, b)` over the rounds both sample lists have (results files without CIs). */
export function pairedInterval(
  a: readonly ThroughputSample[] | undefined,
  b: readonly ThroughputSample[] | undefined,
  f: (a: ThroughputSample, b: ThroughputSample) => number,
): Interval {
  const byRound = new Map((b ?? []).map((s) => [s.round, s]));
  return interval(
    (a ?? [])
      .filter((s) => byRound.has(s.round))
      .map((s) => f(s, byRound.get(s.round) as ThroughputSample)),
  );
}
