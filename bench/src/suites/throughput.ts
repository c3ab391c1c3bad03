/**
 * Probe throughput and latency: per framework group, every server of the group runs at once
 * (idle while not measured); rounds interleave them (A B C, B C A, ...) so drift in the shared
 * machine's load hits all alike; each round's ratio is taken against the bare route measured in
 * the same round; medians are reported, and every ratio carries a 95 % t-interval over the
 * paired per-round ratios (`ratioCI`, `cpuRatioCI`, and the same for ours vs each peer).
 */
import type { BenchConfig } from '../config.js';
import { type RunningServer, startServer } from '../proc.js';
import type { Framework, Scenario } from '../scenarios.js';
import {
  type Interval,
  interval,
  max,
  median,
  min,
  relativeHalfWidth,
  rotate,
  roundsFor,
} from '../stats.js';
import { runWrk, type WrkResult } from '../wrk.js';

export interface ThroughputSample {
  round: number;
  rps: number;
  p50Us: number;
  p99Us: number;
  non2xx: number;
  socketErrors: number;
  /** Server CPU time (user + system) per answered probe, in µs: robust to a busy machine. */
  cpuUs: number;
}

export interface ThroughputRow {
  id: string;
  framework: Framework;
  kind: Scenario['kind'];
  label: string;
  samples: ThroughputSample[];
  rps: number;
  p50Us: number;
  p99Us: number;
  /** Median over rounds of rps / bare rps (same round). 1 for the bare route itself. */
  ratio: number;
  /** Median over rounds of the extra server time per probe vs the bare route, in µs (1e6/rps - 1e6/bare). */
  extraUs: number;
  /** Median server CPU µs per probe. */
  cpuUs: number;
  /** Bare route's median CPU/probe ÷ this one's: the req/s ratio a CPU-bound server would show. */
  cpuRatio: number;
  /** 95 % interval of the per-round rps ÷ bare rps (same round). */
  ratioCI?: Interval;
  /** 95 % interval of the per-round bare CPU/probe ÷ this one's (same round). */
  cpuRatioCI?: Interval;
  errors: number;
}

export interface ThroughputGroup {
  framework: Framework;
  rows: ThroughputRow[];
  /** Our row vs each peer of the same group: median over rounds of ours/peer rps. */
  oursVsPeers: {
    ours: string;
    peer: string;
    /** Median over rounds of ours ÷ peer req/s. */
    ratio: number;
    /** Spread of that ratio over rounds. */
    low: number;
    high: number;
    /** Peer's median CPU/probe ÷ ours. */
    cpuRatio: number;
    /** 95 % intervals of the per-round ours ÷ peer req/s and peer ÷ ours CPU/probe. */
    ci?: Interval;
    cpuCI?: Interval;
  }[];
}

type Log = (line: string) => void;

export async function runThroughput(
  config: BenchConfig,
  scenarios: readonly Scenario[],
  log: Log,
): Promise<ThroughputGroup[]> {
  const groups = new Map<Framework, Scenario[]>();
  for (const scenario of scenarios) {
    if (!scenario.throughput) continue;
    groups.set(scenario.framework, [...(groups.get(scenario.framework) ?? []), scenario]);
  }
  const results: ThroughputGroup[] = [];
  for (const [framework, members] of groups) {
    results.push(await runGroup(config, framework, members, log));
  }
  return results;
}

async function runGroup(
  config: BenchConfig,
  framework: Framework,
  members: Scenario[],
  log: Log,
): Promise<ThroughputGroup> {
  const servers = new Map<string, RunningServer>();
  const samples = new Map<string, ThroughputSample[]>(members.map((m) => [m.id, []]));
  try {
    for (const scenario of members) {
      servers.set(
        scenario.id,
        await startServer(scenario.id, {
          mode: 'throughput',
          cpu: config.serverCpu,
          ipc: true,
          // The load CPU, for servers that start their own idle clients (dashboard SSE).
          env: { BENCH_CACHE_MS: String(config.cacheMs), BENCH_LOAD_CPU: config.loadCpu ?? '' },
        }),
      );
    }
    const wrk = (server: RunningServer, seconds: number): Promise<WrkResult> =>
      runWrk(server.probeUrl, { connections: config.connections, seconds, cpu: config.loadCpu });
    if (config.warmup > 0) {
      for (const scenario of members)
        await wrk(servers.get(scenario.id) as RunningServer, config.warmup);
    }
    for (let round = 0; round < config.rounds; round++) {
      for (const scenario of rotate(members, round)) {
        const server = servers.get(scenario.id) as RunningServer;
        const before = await server.stats();
        const r = await wrk(server, config.duration);
        const cpuUs =
          r.requests > 0 ? ((await server.stats()).cpuUs - before.cpuUs) / r.requests : Number.NaN;
        (samples.get(scenario.id) as ThroughputSample[]).push({
          round,
          rps: r.rps,
          p50Us: r.latencyUs.p50,
          p99Us: r.latencyUs.p99,
          non2xx: r.non2xx,
          socketErrors: r.socketErrors,
          cpuUs,
        });
        log(
          `  ${framework} round ${round + 1}/${config.rounds} ${scenario.id.padEnd(24)} ${Math.round(r.rps).toString().padStart(7)} req/s  ${cpuUs.toFixed(1).padStart(6)} µs CPU/probe  p50 ${r.latencyUs.p50} µs  p99 ${r.latencyUs.p99} µs${r.non2xx + r.socketErrors ? `  errors ${r.non2xx + r.socketErrors}` : ''}`,
        );
      }
    }
  } finally {
    await Promise.all([...servers.values()].map((s) => s.kill()));
  }
  const group = summarize(framework, members, samples);
  for (const row of group.rows.filter((r) => r.kind !== 'bare')) {
    const width = (i: Interval | undefined) =>
      i && Number.isFinite(i.low)
        ? `±${(100 * relativeHalfWidth(i)).toFixed(1)} % (±2 % needs ~${roundsFor(i)} rounds)`
        : 'no interval';
    log(
      `  ${framework} ${row.id} vs bare: req/s ${row.ratioCI?.mean.toFixed(3)} ${width(row.ratioCI)}; CPU/probe ${row.cpuRatioCI?.mean.toFixed(3)} ${width(row.cpuRatioCI)}`,
    );
  }
  return group;
}

export function summarize(
  framework: Framework,
  members: Scenario[],
  samples: Map<string, ThroughputSample[]>,
): ThroughputGroup {
  const bare = members.find((m) => m.kind === 'bare');
  const bareByRound = new Map((bare ? (samples.get(bare.id) ?? []) : []).map((s) => [s.round, s]));
  const paired = (
    id: string,
    f: (s: ThroughputSample, bare: ThroughputSample) => number,
  ): number[] =>
    (samples.get(id) ?? [])
      .filter((s) => bareByRound.has(s.round))
      .map((s) => f(s, bareByRound.get(s.round) as ThroughputSample));
  const perRound = (id: string, f: (s: ThroughputSample, bare: ThroughputSample) => number) =>
    median(paired(id, f));
  const rows: ThroughputRow[] = members.map((m) => {
    const list = samples.get(m.id) ?? [];
    return {
      id: m.id,
      framework,
      kind: m.kind,
      label: m.label,
      samples: list,
      rps: median(list.map((s) => s.rps)),
      p50Us: median(list.map((s) => s.p50Us)),
      p99Us: median(list.map((s) => s.p99Us)),
      ratio: perRound(m.id, (s, b) => s.rps / b.rps),
      extraUs: perRound(m.id, (s, b) => 1e6 / s.rps - 1e6 / b.rps),
      cpuUs: median(list.map((s) => s.cpuUs)),
      cpuRatio: Number.NaN,
      ratioCI: interval(paired(m.id, (s, b) => s.rps / b.rps)),
      cpuRatioCI: interval(paired(m.id, (s, b) => b.cpuUs / s.cpuUs)),
      errors: list.reduce((sum, s) => sum + s.non2xx + s.socketErrors, 0),
    };
  });
  // CPU time is far less disturbed by other work than req/s, so its ratio is taken between the
  // medians (the figures the tables show) rather than per round.
  const bareRow = rows.find((r) => r.kind === 'bare');
  for (const row of rows) if (bareRow) row.cpuRatio = bareRow.cpuUs / row.cpuUs;
  const cpuOf = (id: string) => rows.find((r) => r.id === id)?.cpuUs ?? Number.NaN;
  const oursVsPeers: ThroughputGroup['oursVsPeers'] = [];
  for (const ours of members.filter((m) => m.kind === 'ours')) {
    const mine = new Map((samples.get(ours.id) ?? []).map((s) => [s.round, s]));
    for (const peer of members.filter((m) => m.kind === 'peer')) {
      const theirs = (samples.get(peer.id) ?? []).filter((s) => mine.has(s.round));
      const ratios = theirs.map((s) => (mine.get(s.round) as ThroughputSample).rps / s.rps);
      oursVsPeers.push({
        ours: ours.id,
        peer: peer.id,
        ratio: median(ratios),
        low: min(ratios),
        high: max(ratios),
        cpuRatio: cpuOf(peer.id) / cpuOf(ours.id),
        ci: interval(ratios),
        cpuCI: interval(theirs.map((s) => s.cpuUs / (mine.get(s.round) as ThroughputSample).cpuUs)),
      });
    }
  }
  return { framework, rows, oursVsPeers };
}
