#!/usr/bin/env node
/**
 * `pnpm bench`: builds the workspace packages the bench imports (so the servers load their
 * published `dist`, as users do), compiles bench/src with SWC, then runs the suites.
 * `--report` rewrites BENCHMARKS.md and the chart from bench/results/latest.json.
 * Env: BENCH_SMOKE=1, ROUNDS, DURATION, BENCH_SUITES, BENCH_ONLY, ... (see src/config.ts);
 * BENCH_NO_BUILD=1 skips the workspace build.
 */
import { spawnSync } from 'node:child_process';
import { compile } from './compile.mjs';

const reportOnly = process.argv.includes('--report');
if (!reportOnly && process.env.BENCH_NO_BUILD !== '1') {
  console.log('bench: building the workspace packages it measures (BENCH_NO_BUILD=1 skips this)');
  const build = spawnSync('pnpm', ['--filter', '@health/bench^...', '--no-bail', 'run', 'build'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (build.status !== 0)
    console.log(
      'bench: some packages failed to build; their scenarios will be skipped with a note',
    );
}
await compile();
const { main } = await import('../dist/run.js');
await main(process.argv.slice(2));
