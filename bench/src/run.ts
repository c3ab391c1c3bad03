/**
 * The benchmark run: which scenarios can run, the four suites, the results JSON, and (for a full
 * run) BENCHMARKS.md and the chart. `pnpm bench` (bin/bench.mjs) builds, compiles and calls `main()`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { type BenchConfig, loadConfig, SUITES } from './config.js';
import { loadSampler, machineInfo, versions } from './machine.js';
import { repoRoot, resultsDir } from './paths.js';
import { renderChart } from './report/chart.js';
import { renderMarkdown } from './report/markdown.js';
import type { BenchResults } from './results.js';
import { availability, SCENARIOS, type Scenario } from './scenarios.js';
import { runAmplification } from './suites/amplification.js';
import { runFootprint } from './suites/footprint.js';
import { runProbeStart } from './suites/probe-start.js';
import { runShutdown } from './suites/shutdown.js';
import { runThroughput, summarize } from './suites/throughput.js';
import { wrkBinary } from './wrk.js';

export type { BenchResults };

export const MEASURED_PACKAGES = [
  '@health/core',
  '@health/express',
  '@health/fastify',
  '@health/koa',
  '@health/nestjs',
  'express',
  'fastify',
  'koa',
  '@nestjs/core',
  '@nestjs/common',
  '@nestjs/platform-express',
  '@godaddy/terminus',
  'lightship',
  '@cloudnative/health-connect',
  '@fastify/under-pressure',
  '@nestjs/terminus',
] as const;

export interface RunOptions {
  log?: (line: string) => void;
  /** Restrict to these scenario ids (the smoke test). */
  scenarios?: readonly string[];
}

export async function runBench(
  config: BenchConfig,
  options: RunOptions = {},
): Promise<BenchResults> {
  const log = options.log ?? ((line: string) => console.log(line));
  const started = new Date();
  const sampler = loadSampler();
  if (!wrkBinary())
    throw new Error(
      'bench: wrk is not installed (apt-get install wrk; scripts/ensure-system-deps.mjs installs it)',
    );
  let chosen: readonly Scenario[] = SCENARIOS;
  if (options.scenarios) chosen = SCENARIOS.filter((s) => options.scenarios?.includes(s.id));
  if (config.only) chosen = chosen.filter((s) => config.only?.test(s.id));
  const checked = availability(chosen);
  const skipped = checked
    .filter((a) => !a.ok)
    .map((a) => ({ id: a.scenario.id, label: a.scenario.label, note: a.note ?? '' }));
  for (const s of skipped) log(`SKIPPED ${s.id}: ${s.note}`);
  const ready = checked.filter((a) => a.ok).map((a) => a.scenario);
  const machine = machineInfo(config.serverCpu, config.loadCpu);
  log(
    `machine: ${machine.cpu} x${machine.cores}, ${machine.node}, ${machine.wrk}; ${machine.pinning}`,
  );
  const results: BenchResults = {
    schema: 1,
    startedAt: started.toISOString(),
    finishedAt: '',
    seconds: 0,
    smoke: config.smoke,
    config: { ...config, only: config.only?.source },
    machine,
    load: { min: 0, median: 0, max: 0, samples: [] },
    versions: versions(MEASURED_PACKAGES),
    skipped,
  };
  if (config.suites.includes('throughput')) {
    log(
      `throughput: ${config.rounds} interleaved rounds x ${config.duration} s, ${config.connections} connections`,
    );
    results.throughput = await runThroughput(config, ready, log);
  }
  if (config.suites.includes('amplification')) {
    log(
      `check amplification: ${config.ampCheckMs} ms check, ${config.ampConnections} connections, ${config.ampDuration} s`,
    );
    results.amplification = await runAmplification(config, ready, log);
  }
  if (config.suites.includes('shutdown')) {
    log(
      `shutdown: SIGTERM under keep-alive load (${config.shutdownWorkers} connections, ${config.shutdownSlowMs} ms requests), drain ${config.drainMs} ms, ${config.shutdownRounds} rounds`,
    );
    results.shutdown = await runShutdown(config, ready, log);
  }
  if (config.suites.includes('footprint') && !options.scenarios) {
    log(
      `footprint: import time (median of ${config.importRuns} fresh processes), installed dependencies, built size`,
    );
    results.footprint = await runFootprint(config, log);
  }
  if (config.suites.includes('probe-start') && !options.scenarios) {
    const runs = config.importRuns * 5;
    log(
      `probe start: health probe vs curl and wget, start-to-exit, median of ${runs} interleaved runs`,
    );
    results.probeStart = await runProbeStart(runs, log);
  }
  const finished = new Date();
  results.finishedAt = finished.toISOString();
  results.seconds = Math.round((finished.getTime() - started.getTime()) / 1000);
  results.load = sampler.stop();
  return results;
}

export const LATEST = `${resultsDir}latest.json`;
export const CHART = `${resultsDir}chart.svg`;
export const REPORT = `${repoRoot}BENCHMARKS.md`;

/**
 * Re-derives the throughput summaries from the stored samples (the raw measurements), so a
 * report re-rendered with `--report` uses the current statistics.
 */
export function resummarize(results: BenchResults): BenchResults {
  if (!results.throughput) return results;
  const throughput = results.throughput.map((group) => {
    const members = group.rows.map((row) => {
      const known = SCENARIOS.find((s) => s.id === row.id);
      return (
        known ?? {
          ...(SCENARIOS[0] as Scenario),
          id: row.id,
          kind: row.kind,
          label: row.label,
          framework: group.framework,
        }
      );
    });
    return summarize(
      group.framework,
      members,
      new Map(group.rows.map((row) => [row.id, row.samples])),
    );
  });
  return { ...results, throughput };
}

/** Writes BENCHMARKS.md and the chart from a results file. */
export function writeReport(results: BenchResults): void {
  writeFileSync(CHART, renderChart(results));
  writeFileSync(REPORT, renderMarkdown(results));
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  if (argv.includes('--report')) {
    writeReport(resummarize(JSON.parse(readFileSync(LATEST, 'utf8')) as BenchResults));
    console.log(`wrote ${REPORT} and ${CHART} from ${LATEST}`);
    return;
  }
  const config = loadConfig();
  const results = await runBench(config);
  const complete = SUITES.every((s) => config.suites.includes(s)) && !config.only;
  mkdirSync(`${resultsDir}raw`, { recursive: true });
  const stamp = results.startedAt.replace(/[:.]/g, '-');
  const raw = `${resultsDir}raw/${config.smoke ? 'smoke' : stamp}.json`;
  writeFileSync(raw, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`results: ${raw}`);
  if ((complete && !config.smoke) || process.env.BENCH_WRITE === '1') {
    writeFileSync(LATEST, `${JSON.stringify(results, null, 2)}\n`);
    writeReport(results);
    console.log(`wrote ${LATEST}, ${REPORT} and ${CHART}`);
  }
  console.log(
    `done in ${results.seconds} s (load average ${results.load.min.toFixed(2)}-${results.load.max.toFixed(2)})`,
  );
}
