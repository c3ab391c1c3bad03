/**
 * Check amplification: one check that takes `AMP_CHECK_MS` (20 ms) and counts its runs,
 * `AMP_CONNECTIONS` (100) connections probing readiness for `AMP_DURATION` (10 s): probes
 * served, check runs, runs per probe. A library that runs the check on every probe scores 1.0.
 */
import type { BenchConfig } from '../config.js';
import { startServer } from '../proc.js';
import type { Framework, Scenario } from '../scenarios.js';
import { runWrk } from '../wrk.js';

export interface AmplificationRow {
  id: string;
  framework: Framework;
  kind: Scenario['kind'];
  label: string;
  probes: number;
  /** Probes answered outside 2xx (a check that slows down under load can fail the probe). */
  failedProbes: number;
  checkRuns: number;
  runsPerProbe: number;
  /** Check runs per second of load. */
  runsPerSecond: number;
  /** At most one run per cache interval (+1 for the run in flight when the load starts). */
  bound: number;
  rps: number;
  p50Us: number;
  p99Us: number;
  seconds: number;
}

export async function runAmplification(
  config: BenchConfig,
  scenarios: readonly Scenario[],
  log: (line: string) => void,
): Promise<AmplificationRow[]> {
  const rows: AmplificationRow[] = [];
  for (const scenario of scenarios.filter((s) => s.amplification)) {
    const server = await startServer(scenario.id, {
      mode: 'amplification',
      cpu: config.serverCpu,
      ipc: true,
      env: { BENCH_CHECK_MS: String(config.ampCheckMs), BENCH_CACHE_MS: String(config.cacheMs) },
    });
    try {
      const before = (await server.stats()).runs;
      const r = await runWrk(server.probeUrl, {
        connections: config.ampConnections,
        seconds: config.ampDuration,
        cpu: config.loadCpu,
      });
      const runs = (await server.stats()).runs - before;
      const row: AmplificationRow = {
        id: scenario.id,
        framework: scenario.framework,
        kind: scenario.kind,
        label: scenario.label,
        probes: r.requests,
        failedProbes: r.non2xx + r.socketErrors,
        checkRuns: runs,
        runsPerProbe: r.requests > 0 ? runs / r.requests : Number.NaN,
        runsPerSecond: runs / r.seconds,
        bound: Math.ceil((r.seconds * 1000) / Math.max(config.cacheMs, 1)) + 1,
        rps: r.rps,
        p50Us: r.latencyUs.p50,
        p99Us: r.latencyUs.p99,
        seconds: r.seconds,
      };
      rows.push(row);
      log(
        `  ${scenario.id.padEnd(24)} probes ${String(row.probes).padStart(7)}  check runs ${String(runs).padStart(6)}  runs/probe ${row.runsPerProbe.toFixed(4)}  p50 ${row.p50Us} µs${row.failedProbes ? `  failed ${row.failedProbes}` : ''}`,
      );
    } finally {
      await server.kill();
    }
  }
  return rows;
}
