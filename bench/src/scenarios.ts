/**
 * Every server under test: which framework group it belongs to (ratios are taken against that
 * group's bare route), whether it is the bare route, ours or a peer, and which suites it runs in.
 */
import { spawnSync } from 'node:child_process';
import { benchRoot } from './paths.js';

export type Framework = 'node' | 'express' | 'fastify' | 'koa' | 'nest';
export type Kind = 'bare' | 'ours' | 'peer';

export interface Scenario {
  /** Also the server file: `src/servers/<id>.ts`. */
  id: string;
  framework: Framework;
  kind: Kind;
  /** What a reader sees in the tables. */
  label: string;
  /** Packages the server imports (besides the framework); missing ones skip it with a note. */
  requires: readonly string[];
  throughput: boolean;
  /** Has a check to count (lightship pushes its state instead). */
  amplification: boolean;
  shutdown: boolean;
}

export const FRAMEWORK_LABELS: Record<Framework, string> = {
  node: 'node:http',
  express: 'Express 5',
  fastify: 'Fastify 5',
  koa: 'Koa 3',
  nest: 'Nest 12 (Express platform)',
};

const s = (
  id: string,
  framework: Framework,
  kind: Kind,
  label: string,
  requires: readonly string[],
  suites: { amplification?: boolean; shutdown?: boolean } = {},
): Scenario => ({
  id,
  framework,
  kind,
  label,
  requires,
  throughput: true,
  amplification: suites.amplification ?? kind !== 'bare',
  shutdown: suites.shutdown ?? kind !== 'bare',
});

export const SCENARIOS: readonly Scenario[] = [
  s('node-bare', 'node', 'bare', 'bare node:http route', [], { shutdown: true }),
  s('node-core', 'node', 'ours', '@health/core (createNodeListener)', ['@health/core']),
  s(
    'node-core-groups',
    'node',
    'ours',
    '@health/core, 3 groups, 10 tagged checks, thresholds',
    ['@health/core'],
    { amplification: false, shutdown: false },
  ),
  s(
    'node-core-metrics',
    'node',
    'ours',
    '@health/core with @health/metrics (prom-client)',
    ['@health/core', '@health/metrics/prometheus', 'prom-client'],
    { amplification: false, shutdown: false },
  ),
  s(
    'node-core-dashboard',
    'node',
    'ours',
    '@health/core with @health/dashboard, 100 SSE clients connected',
    ['@health/core', '@health/dashboard'],
    { amplification: false, shutdown: false },
  ),
  s('node-terminus', 'node', 'peer', '@godaddy/terminus', ['@godaddy/terminus']),
  s('express-bare', 'express', 'bare', 'bare Express route', ['express']),
  s('express-health', 'express', 'ours', '@health/express', ['express', '@health/express']),
  s('express-health-connect', 'express', 'peer', '@cloudnative/health-connect', [
    'express',
    '@cloudnative/health-connect',
  ]),
  s('fastify-bare', 'fastify', 'bare', 'bare Fastify route', ['fastify']),
  s('fastify-health', 'fastify', 'ours', '@health/fastify', ['fastify', '@health/fastify']),
  s('fastify-under-pressure', 'fastify', 'peer', '@fastify/under-pressure', [
    'fastify',
    '@fastify/under-pressure',
  ]),
  s('lightship', 'fastify', 'peer', 'lightship (own Fastify server)', ['lightship'], {
    amplification: false,
  }),
  s('koa-bare', 'koa', 'bare', 'bare Koa route', ['koa']),
  s('koa-health', 'koa', 'ours', '@health/koa', ['koa', '@health/koa']),
  s('nest-bare', 'nest', 'bare', 'bare Nest controller', ['@nestjs/core']),
  s('nest-health', 'nest', 'ours', '@health/nestjs', ['@nestjs/core', '@health/nestjs']),
  s('nest-terminus', 'nest', 'peer', '@nestjs/terminus', ['@nestjs/core', '@nestjs/terminus']),
];

export interface Availability {
  scenario: Scenario;
  ok: boolean;
  /** Why it is skipped, with what to do about it. */
  note?: string;
}

const importable = new Map<string, string | undefined>();

/**
 * Why `spec` cannot be imported from bench/ (undefined when it can): not a dependency of
 * `@health/bench` yet, not built, or throwing at import.
 */
export function importProblem(spec: string): string | undefined {
  if (importable.has(spec)) return importable.get(spec);
  const result = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', `await import(${JSON.stringify(spec)})`],
    {
      cwd: benchRoot,
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  let problem: string | undefined;
  if (result.status !== 0) {
    const stderr = `${result.stderr ?? ''}${result.error ? String(result.error) : ''}`;
    if (/Cannot find package/.test(stderr) && stderr.includes(`'${spec}'`)) {
      problem = `${spec} is not installed in bench/ (add "${spec}": "workspace:*" to bench/package.json, then pnpm install)`;
    } else if (/Cannot find module|ERR_MODULE_NOT_FOUND/.test(stderr)) {
      problem = `${spec} is not built (run pnpm build)`;
    } else {
      const line = stderr.split('\n').find((l) => /Error/.test(l)) ?? stderr.trim().split('\n')[0];
      problem = `${spec} failed to import: ${line?.trim()}`;
    }
  }
  importable.set(spec, problem);
  return problem;
}

/** Which scenarios can run now; the others carry a visible note. */
export function availability(scenarios: readonly Scenario[]): Availability[] {
  return scenarios.map((scenario) => {
    const problems = scenario.requires
      .map(importProblem)
      .filter((p): p is string => p !== undefined);
    return problems.length === 0
      ? { scenario, ok: true }
      : { scenario, ok: false, note: problems.join('; ') };
  });
}
