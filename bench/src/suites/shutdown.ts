/**
 * Shutdown cost: a server under keep-alive load with requests in flight gets SIGTERM; we time
 * SIGTERM -> process exit and count the requests lost meanwhile. Every library gets the same
 * drain delay (`DRAIN_MS`, 0 by default: what is measured is the library's own machinery).
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { BenchConfig } from '../config.js';
import { loadDir } from '../paths.js';
import { pinned, startServer } from '../proc.js';
import type { Framework, Scenario } from '../scenarios.js';
import { median } from '../stats.js';

interface Counts {
  ok: number;
  failed: number;
  refused: number;
}

export interface ShutdownSample {
  /** SIGTERM -> exit in ms; undefined when the process had to be killed. */
  exitMs: number | undefined;
  exitCode: number | null;
  exitSignal: string | null;
  before: Counts;
  after: Counts;
  failures: Record<string, number>;
  inFlightAtSignal: number;
}

export interface ShutdownRow {
  id: string;
  framework: Framework;
  kind: Scenario['kind'];
  label: string;
  samples: ShutdownSample[];
  /** Median SIGTERM -> exit (ms) over the rounds that exited; undefined if none did. */
  exitMs: number | undefined;
  /** Rounds in which the process did not exit within the timeout. */
  hung: number;
  /** Median requests lost (reset, hung up, 5xx) after SIGTERM. */
  failed: number;
  /** Median connections refused after SIGTERM (listener closed; at most one per client connection). */
  refused: number;
  /** Median requests completed after SIGTERM. */
  served: number;
  inFlight: number;
  /** How the process ended, e.g. `0`, `1`, `SIGTERM`, `killed`. */
  exits: string[];
}

type ClientResult = {
  before: Counts;
  after: Counts;
  failures: Record<string, number>;
  inFlightAtSignal: number;
};

export async function runShutdown(
  config: BenchConfig,
  scenarios: readonly Scenario[],
  log: (line: string) => void,
): Promise<ShutdownRow[]> {
  const rows: ShutdownRow[] = [];
  const members = scenarios.filter((s) => s.shutdown);
  const samples = new Map<string, ShutdownSample[]>(members.map((m) => [m.id, []]));
  for (let round = 0; round < config.shutdownRounds; round++) {
    for (const scenario of members) {
      const sample = await once(config, scenario);
      (samples.get(scenario.id) as ShutdownSample[]).push(sample);
      log(
        `  round ${round + 1}/${config.shutdownRounds} ${scenario.id.padEnd(24)} exit ${sample.exitMs === undefined ? 'none (killed)' : `${Math.round(sample.exitMs)} ms`} (${describeExit(sample)})  in flight ${sample.inFlightAtSignal}  served after ${sample.after.ok}  failed ${sample.after.failed}  refused ${sample.after.refused}${Object.keys(sample.failures).length ? `  ${JSON.stringify(sample.failures)}` : ''}`,
      );
    }
  }
  for (const m of members) {
    const list = samples.get(m.id) as ShutdownSample[];
    const exited = list.filter((s) => s.exitMs !== undefined).map((s) => s.exitMs as number);
    rows.push({
      id: m.id,
      framework: m.framework,
      kind: m.kind,
      label: m.label,
      samples: list,
      exitMs: exited.length ? median(exited) : undefined,
      hung: list.length - exited.length,
      failed: median(list.map((s) => s.after.failed + s.before.failed)),
      refused: median(list.map((s) => s.after.refused)),
      served: median(list.map((s) => s.after.ok)),
      inFlight: median(list.map((s) => s.inFlightAtSignal)),
      exits: [...new Set(list.map(describeExit))],
    });
  }
  return rows;
}

export function describeExit(
  sample: Pick<ShutdownSample, 'exitMs' | 'exitCode' | 'exitSignal'>,
): string {
  if (sample.exitMs === undefined) return 'killed';
  return sample.exitSignal ? sample.exitSignal : `code ${sample.exitCode}`;
}

async function once(config: BenchConfig, scenario: Scenario): Promise<ShutdownSample> {
  const server = await startServer(scenario.id, {
    mode: 'shutdown',
    cpu: config.serverCpu,
    env: { BENCH_DRAIN_MS: String(config.drainMs), BENCH_CACHE_MS: String(config.cacheMs) },
  });
  const [command, args] = pinned(config.loadCpu, process.execPath, [
    `${loadDir}keepalive-client.js`,
  ]);
  const client = spawn(command, args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: {
      ...process.env,
      BENCH_URL: `${server.appUrl}/`,
      BENCH_WORKERS: String(config.shutdownWorkers),
      BENCH_SLOW_MS: String(config.shutdownSlowMs),
      BENCH_WARM_MS: config.smoke ? '300' : '700',
    },
  });
  const message = <T>(predicate: (m: unknown) => boolean, timeoutMs: number): Promise<T> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${scenario.id}: load client did not answer`)),
        timeoutMs,
      );
      const onMessage = (m: unknown) => {
        if (!predicate(m)) return;
        clearTimeout(timer);
        client.off('message', onMessage);
        resolve(m as T);
      };
      client.on('message', onMessage);
    });
  try {
    await message((m) => m === 'warm', 10_000);
    const t0 = performance.now();
    server.child.kill('SIGTERM');
    client.send('sigterm');
    const timeout = new Promise<'timeout'>((r) =>
      setTimeout(() => r('timeout'), config.shutdownTimeoutMs),
    );
    const exit = await Promise.race([server.exited, timeout]);
    if (exit === 'timeout') await server.kill();
    const result = message<ClientResult>((m) => typeof m === 'object' && m !== null, 10_000);
    client.send('stop');
    const counts = await result;
    return {
      exitMs: exit === 'timeout' ? undefined : exit.at - t0,
      exitCode: exit === 'timeout' ? null : exit.code,
      exitSignal: exit === 'timeout' ? null : exit.signal,
      before: counts.before,
      after: counts.after,
      failures: counts.failures,
      inFlightAtSignal: counts.inFlightAtSignal,
    };
  } finally {
    if (client.exitCode === null) client.kill('SIGKILL');
    await server.kill();
  }
}
