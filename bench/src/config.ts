/**
 * Benchmark settings, from the environment. Defaults keep a full run under ~10 minutes on
 * 2 cores; `BENCH_SMOKE=1` shrinks everything to a second or two per scenario.
 */
import { availableParallelism } from 'node:os';

export const SUITES = [
  'throughput',
  'amplification',
  'shutdown',
  'footprint',
  'probe-start',
] as const;
export type Suite = (typeof SUITES)[number];

export interface BenchConfig {
  smoke: boolean;
  /** Interleaved rounds per throughput group. `ROUNDS` */
  rounds: number;
  /** Seconds per throughput measurement. `DURATION` */
  duration: number;
  /** Seconds of warm-up per server before the rounds. `WARMUP` */
  warmup: number;
  /** wrk connections for throughput. `CONNECTIONS` */
  connections: number;
  /** Seconds and connections of the check amplification load. `AMP_DURATION`, `AMP_CONNECTIONS` */
  ampDuration: number;
  ampConnections: number;
  /** Milliseconds the amplification check takes. `AMP_CHECK_MS` */
  ampCheckMs: number;
  /** Check cache interval given to every library that has one. `CACHE_MS` */
  cacheMs: number;
  /** SIGTERM rounds per scenario. `SHUTDOWN_ROUNDS` */
  shutdownRounds: number;
  /** Keep-alive client connections during the shutdown test, and the app route's delay. */
  shutdownWorkers: number;
  shutdownSlowMs: number;
  /** Drain delay given to every library that has one. `DRAIN_MS` */
  drainMs: number;
  /** A server not exited this long after SIGTERM is killed and reported as "did not exit". */
  shutdownTimeoutMs: number;
  /** Fresh processes per import-time measurement. `IMPORT_RUNS` */
  importRuns: number;
  /** Suites to run. `BENCH_SUITES=throughput,footprint` */
  suites: Suite[];
  /** Only scenarios whose id matches. `BENCH_ONLY=express` */
  only: RegExp | undefined;
  /** CPU for servers and CPU for load generators (`taskset -c`), when there are 2+ cores. */
  serverCpu: string | undefined;
  loadCpu: string | undefined;
}

function num(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`bench: ${name} must be a non-negative number, got ${JSON.stringify(raw)}`);
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const smoke = env.BENCH_SMOKE === '1' || env.BENCH_SMOKE === 'true';
  const suites = (env.BENCH_SUITES ?? SUITES.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const suite of suites) {
    if (!(SUITES as readonly string[]).includes(suite))
      throw new Error(
        `bench: unknown suite ${JSON.stringify(suite)} in BENCH_SUITES (known: ${SUITES.join(', ')})`,
      );
  }
  const pin = availableParallelism() >= 2 && env.BENCH_PIN !== '0';
  return {
    smoke,
    rounds: Math.max(1, Math.round(num(env, 'ROUNDS', smoke ? 1 : 5))),
    duration: num(env, 'DURATION', smoke ? 1 : 3),
    warmup: num(env, 'WARMUP', smoke ? 0 : 1),
    connections: Math.max(1, Math.round(num(env, 'CONNECTIONS', 50))),
    ampDuration: num(env, 'AMP_DURATION', smoke ? 1 : 10),
    ampConnections: Math.max(1, Math.round(num(env, 'AMP_CONNECTIONS', 100))),
    ampCheckMs: num(env, 'AMP_CHECK_MS', 20),
    cacheMs: num(env, 'CACHE_MS', 1000),
    shutdownRounds: Math.max(1, Math.round(num(env, 'SHUTDOWN_ROUNDS', smoke ? 1 : 3))),
    shutdownWorkers: Math.max(1, Math.round(num(env, 'SHUTDOWN_WORKERS', 20))),
    shutdownSlowMs: num(env, 'SHUTDOWN_SLOW_MS', 200),
    drainMs: num(env, 'DRAIN_MS', 0),
    shutdownTimeoutMs: num(env, 'SHUTDOWN_TIMEOUT_MS', smoke ? 3000 : 7000),
    importRuns: Math.max(1, Math.round(num(env, 'IMPORT_RUNS', smoke ? 2 : 7))),
    suites: suites as Suite[],
    only: env.BENCH_ONLY ? new RegExp(env.BENCH_ONLY) : undefined,
    serverCpu: pin ? '0' : undefined,
    loadCpu: pin ? '1' : undefined,
  };
}
