/**
 * Smoke test of the benchmark suite (part of `pnpm test`; timings are not asserted, the machine
 * is shared): bare node:http vs @health/core for one second each, and the check amplification
 * of @health/core, through the real pipeline (compiled servers in child processes, wrk).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../bin/compile.mjs';
import { loadConfig } from '../src/config.js';
import { repoRoot } from '../src/paths.js';
import { renderChart } from '../src/report/chart.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { type BenchResults, runBench } from '../src/run.js';

let results: BenchResults;

beforeAll(async () => {
  if (!existsSync(`${repoRoot}packages/core/dist/index.js`)) {
    // The servers load @health/core's published build, as users do; `pnpm test` builds first.
    const build = spawnSync('pnpm', ['--filter', '@health/core', 'run', 'build'], {
      cwd: repoRoot,
      stdio: 'ignore',
    });
    expect(build.status).toBe(0);
  }
  await compile();
  const config = loadConfig({
    BENCH_SMOKE: '1',
    BENCH_SUITES: 'throughput,amplification',
    DURATION: '1',
    ROUNDS: '2',
    WARMUP: '0',
    AMP_DURATION: '1',
  });
  results = await runBench(config, { scenarios: ['node-bare', 'node-core'], log: () => {} });
}, 60_000);

describe('bench smoke', () => {
  it('runs both scenarios (none skipped)', () => {
    expect(results.skipped).toEqual([]);
    expect(results.machine.wrk).toMatch(/wrk/);
  });

  it('measures probe throughput and latency of bare node:http and @health/core', () => {
    const rows = results.throughput?.find((g) => g.framework === 'node')?.rows ?? [];
    expect(rows.map((r) => r.id)).toEqual(['node-bare', 'node-core']);
    for (const row of rows) {
      expect(row.rps).toBeGreaterThan(0);
      expect(row.p50Us).toBeGreaterThan(0);
      expect(row.p99Us).toBeGreaterThanOrEqual(row.p50Us);
      expect(row.ratio).toBeGreaterThan(0);
      expect(row.errors).toBe(0);
    }
    expect(rows[0]?.ratio).toBe(1);
  });

  it('counts check runs: @health/core runs its cached check at most once per interval', () => {
    const row = results.amplification?.find((r) => r.id === 'node-core');
    expect(row?.probes).toBeGreaterThan(0);
    expect(row?.checkRuns).toBeGreaterThanOrEqual(1);
    expect(row?.checkRuns).toBeLessThanOrEqual(row?.bound ?? 0);
    expect(row?.runsPerProbe).toBeLessThan(0.1);
  });

  it('renders BENCHMARKS.md and the chart from its own numbers, ratios with 95 % intervals', () => {
    const markdown = renderMarkdown(results);
    expect(markdown).toContain('| **@health/core (createNodeListener)** |');
    expect(markdown).toMatch(
      /Each adapter ≥ 0\.95× .*\| @health\/core \(createNodeListener\) vs bare node:http route \| req\/s \d+\.\d\d× \(95 % CI -?\d+\.\d{3}–\d+\.\d{3}, 2 rounds\)/,
    );
    const row = results.throughput?.[0]?.rows.find((r) => r.id === 'node-core');
    expect(row?.ratioCI?.n).toBe(2);
    expect(row?.ratioCI?.low).toBeLessThanOrEqual(row?.ratioCI?.high ?? Number.NaN);
    expect(markdown).toMatch(
      /req\/s (✅ met|⚠️ not shown|❌ missed) · CPU (✅ met|⚠️ not shown|❌ missed)/,
    );
    const svg = renderChart(results);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('node:http: @health/core (createNodeListener)');
    expect(svg.match(/<rect /g)?.length).toBeGreaterThanOrEqual(3);
  });
});
