/**
 * Footprint: import time (median of many fresh `node` processes, alone and on top of the
 * framework the app already loads), installed dependencies (count and bytes, walked from the
 * installed tree; peer dependencies excluded since the app has them anyway) and the built size
 * of @health/core (esbuild --minify of dist, then gzip).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { BenchConfig } from '../config.js';
import { benchRoot, repoRoot } from '../paths.js';
import { importProblem } from '../scenarios.js';
import { median } from '../stats.js';

export interface ImportSubject {
  id: string;
  label: string;
  kind: 'ours' | 'peer' | 'framework';
  /** What is imported and timed. */
  specs: readonly string[];
  /** Imported first, untimed: the framework the app loads anyway. */
  preload: readonly string[];
}

export const IMPORT_SUBJECTS: readonly ImportSubject[] = [
  { id: 'node:http', label: 'node:http', kind: 'framework', specs: ['node:http'], preload: [] },
  { id: 'express', label: 'express', kind: 'framework', specs: ['express'], preload: [] },
  { id: 'fastify', label: 'fastify', kind: 'framework', specs: ['fastify'], preload: [] },
  { id: 'koa', label: 'koa', kind: 'framework', specs: ['koa'], preload: [] },
  {
    id: 'nest',
    label: '@nestjs/core + common',
    kind: 'framework',
    specs: ['reflect-metadata', '@nestjs/common', '@nestjs/core'],
    preload: [],
  },
  {
    id: '@health/core',
    label: '@health/core',
    kind: 'ours',
    specs: ['@health/core'],
    preload: ['node:http'],
  },
  {
    id: '@health/core/node',
    label: '@health/core + /node',
    kind: 'ours',
    specs: ['@health/core', '@health/core/node'],
    preload: ['node:http'],
  },
  {
    id: '@health/express',
    label: '@health/express',
    kind: 'ours',
    specs: ['@health/express'],
    preload: ['express'],
  },
  {
    id: '@health/fastify',
    label: '@health/fastify',
    kind: 'ours',
    specs: ['@health/fastify'],
    preload: ['fastify'],
  },
  {
    id: '@health/koa',
    label: '@health/koa',
    kind: 'ours',
    specs: ['@health/koa'],
    preload: ['koa'],
  },
  {
    id: '@health/nestjs',
    label: '@health/nestjs',
    kind: 'ours',
    specs: ['@health/nestjs'],
    preload: ['reflect-metadata', '@nestjs/common', '@nestjs/core'],
  },
  {
    id: '@godaddy/terminus',
    label: '@godaddy/terminus',
    kind: 'peer',
    specs: ['@godaddy/terminus'],
    preload: ['node:http'],
  },
  {
    id: 'lightship',
    label: 'lightship',
    kind: 'peer',
    specs: ['lightship'],
    preload: ['node:http'],
  },
  {
    id: '@cloudnative/health-connect',
    label: '@cloudnative/health-connect',
    kind: 'peer',
    specs: ['@cloudnative/health-connect'],
    preload: ['express'],
  },
  {
    id: '@fastify/under-pressure',
    label: '@fastify/under-pressure',
    kind: 'peer',
    specs: ['@fastify/under-pressure'],
    preload: ['fastify'],
  },
  {
    id: '@nestjs/terminus',
    label: '@nestjs/terminus',
    kind: 'peer',
    specs: ['@nestjs/terminus'],
    preload: ['reflect-metadata', '@nestjs/common', '@nestjs/core'],
  },
];

export interface ImportRow {
  id: string;
  label: string;
  kind: ImportSubject['kind'];
  /** Median ms to import it in a fresh process, nothing loaded before. */
  aloneMs: number;
  /** Median ms to import it after its framework (`preload`) is loaded; = aloneMs without one. */
  overFrameworkMs: number;
  preload: readonly string[];
}

export interface DepsRow {
  name: string;
  version: string;
  kind: 'ours' | 'peer';
  /** Packages installed besides itself (excluding peers). */
  dependencies: number;
  /** Bytes on disk of itself plus those dependencies (published files). */
  bytes: number;
  /** Of which JavaScript files (.js/.cjs/.mjs): what Node loads, without types and source maps. */
  jsBytes: number;
  /** Its runtime dependencies' names (direct). */
  direct: string[];
}

export interface CoreSize {
  entries: { entry: string; rawBytes: number; minBytes: number; gzipBytes: number }[];
}

export interface FootprintResult {
  imports: ImportRow[];
  skippedImports: { id: string; note: string }[];
  deps: DepsRow[];
  coreSize: CoreSize | undefined;
  coreRuntimeDependencies: string[];
}

const timer = (specs: readonly string[], preload: readonly string[]): string =>
  [
    ...preload.map((s) => `await import(${JSON.stringify(s)});`),
    'const t0 = performance.now();',
    ...specs.map((s) => `await import(${JSON.stringify(s)});`),
    'process.stdout.write(String(performance.now() - t0));',
  ].join('');

function timeOnce(code: string, cpu: string | undefined): number {
  const args = ['--input-type=module', '-e', code];
  const result =
    cpu === undefined
      ? spawnSync(process.execPath, args, { cwd: benchRoot, encoding: 'utf8' })
      : spawnSync('taskset', ['-c', cpu, process.execPath, ...args], {
          cwd: benchRoot,
          encoding: 'utf8',
        });
  const ms = Number(result.stdout);
  if (result.status !== 0 || !Number.isFinite(ms))
    throw new Error(`import timing failed: ${result.stderr}`);
  return ms;
}

export function measureImports(
  config: BenchConfig,
  log: (line: string) => void,
): Pick<FootprintResult, 'imports' | 'skippedImports'> {
  const skippedImports: FootprintResult['skippedImports'] = [];
  const subjects = IMPORT_SUBJECTS.filter((subject) => {
    const problem = [...subject.specs, ...subject.preload]
      .map(importProblem)
      .find((p) => p !== undefined);
    if (problem) skippedImports.push({ id: subject.id, note: problem });
    return problem === undefined;
  });
  const alone = new Map<string, number[]>(subjects.map((s) => [s.id, []]));
  const over = new Map<string, number[]>(subjects.map((s) => [s.id, []]));
  // Interleaved: run i measures every subject once, so load drift is shared.
  for (let i = 0; i < config.importRuns; i++) {
    for (const subject of subjects) {
      alone.get(subject.id)?.push(timeOnce(timer(subject.specs, []), config.serverCpu));
      if (subject.preload.length)
        over
          .get(subject.id)
          ?.push(timeOnce(timer(subject.specs, subject.preload), config.serverCpu));
    }
  }
  const imports = subjects.map((subject) => {
    const aloneMs = median(alone.get(subject.id) ?? []);
    const row: ImportRow = {
      id: subject.id,
      label: subject.label,
      kind: subject.kind,
      aloneMs,
      overFrameworkMs: subject.preload.length ? median(over.get(subject.id) ?? []) : aloneMs,
      preload: subject.preload,
    };
    log(
      `  import ${subject.id.padEnd(28)} alone ${aloneMs.toFixed(1).padStart(6)} ms   over framework ${row.overFrameworkMs.toFixed(1).padStart(6)} ms`,
    );
    return row;
  });
  return { imports, skippedImports };
}

// ---- installed dependencies ------------------------------------------------------------------

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  files?: string[];
}

const readManifest = (dir: string): Manifest =>
  JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

/** Node's lookup: `<ancestor>/node_modules/<name>` for each ancestor not itself named node_modules. */
function resolvePackageDir(from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    if (!dir.endsWith('/node_modules')) {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

const JS = /\.(c|m)?js$/;

/** Bytes of the files under `dir` (its own node_modules excluded), all or JavaScript only. */
function dirBytes(dir: string, jsOnly = false): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += dirBytes(path, jsOnly);
    else if (entry.isFile() && (!jsOnly || JS.test(entry.name))) total += statSync(path).size;
  }
  return total;
}

/** Bytes a package occupies once installed: a workspace package counts what it would publish. */
function packageBytes(dir: string, jsOnly = false): number {
  if (!dir.includes('/node_modules/')) {
    const manifest = readManifest(dir);
    let total = jsOnly ? 0 : statSync(join(dir, 'package.json')).size;
    for (const extra of jsOnly ? [] : ['README.md', 'LICENSE', 'CHANGELOG.md'])
      if (existsSync(join(dir, extra))) total += statSync(join(dir, extra)).size;
    for (const entry of manifest.files ?? []) {
      const path = join(dir, entry);
      if (!existsSync(path)) continue;
      // Source maps and declarations ship too when `files` lists dist: count them, as npm would.
      if (statSync(path).isDirectory()) total += dirBytes(path, jsOnly);
      else if (!jsOnly || JS.test(path)) total += statSync(path).size;
    }
    return total;
  }
  return dirBytes(dir, jsOnly);
}

export function installedDependencies(name: string, kind: 'ours' | 'peer'): DepsRow | undefined {
  const root = resolvePackageDir(benchRoot, name);
  if (!root) return undefined;
  const seen = new Map<string, string>();
  const queue = [root];
  while (queue.length) {
    const dir = queue.shift() as string;
    const manifest = readManifest(dir);
    const key = `${manifest.name}@${manifest.version}`;
    if (seen.has(key)) continue;
    seen.set(key, dir);
    for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
      const depDir = resolvePackageDir(dir, dep);
      if (depDir) queue.push(depDir);
    }
  }
  const manifest = readManifest(root);
  return {
    name,
    version: manifest.version,
    kind,
    dependencies: seen.size - 1,
    bytes: [...seen.values()].reduce((sum, dir) => sum + packageBytes(dir), 0),
    jsBytes: [...seen.values()].reduce((sum, dir) => sum + packageBytes(dir, true), 0),
    direct: Object.keys(manifest.dependencies ?? {}),
  };
}

export const DEPENDENCY_SUBJECTS: readonly { name: string; kind: 'ours' | 'peer' }[] = [
  { name: '@health/core', kind: 'ours' },
  { name: '@health/express', kind: 'ours' },
  { name: '@health/fastify', kind: 'ours' },
  { name: '@health/koa', kind: 'ours' },
  { name: '@health/nestjs', kind: 'ours' },
  { name: '@godaddy/terminus', kind: 'peer' },
  { name: 'lightship', kind: 'peer' },
  { name: '@cloudnative/health-connect', kind: 'peer' },
  { name: '@fastify/under-pressure', kind: 'peer' },
  { name: '@nestjs/terminus', kind: 'peer' },
];

// ---- built size of core ------------------------------------------------------------------------

export async function coreSize(): Promise<CoreSize | undefined> {
  const dist = join(repoRoot, 'packages/core/dist');
  const entries: CoreSize['entries'] = [];
  for (const entry of ['index.js', 'node.js']) {
    const file = join(dist, entry);
    if (!existsSync(file)) return undefined;
    const bundle = async (minify: boolean) =>
      (
        await build({
          entryPoints: [file],
          bundle: true,
          write: false,
          format: 'esm',
          platform: 'node',
          target: 'node20',
          minify,
          legalComments: 'none',
        })
      ).outputFiles[0]?.contents ?? new Uint8Array();
    const raw = await bundle(false);
    const min = await bundle(true);
    entries.push({
      entry: `@health/core${entry === 'index.js' ? '' : '/node'}`,
      rawBytes: raw.byteLength,
      minBytes: min.byteLength,
      gzipBytes: gzipSync(min, { level: 9 }).byteLength,
    });
  }
  return { entries };
}

export async function runFootprint(
  config: BenchConfig,
  log: (line: string) => void,
): Promise<FootprintResult> {
  const { imports, skippedImports } = measureImports(config, log);
  const deps = DEPENDENCY_SUBJECTS.map((s) => installedDependencies(s.name, s.kind)).filter(
    (d): d is DepsRow => d !== undefined,
  );
  for (const d of deps)
    log(
      `  installed ${d.name.padEnd(28)} ${String(d.dependencies).padStart(3)} dependencies  ${(d.bytes / 1024).toFixed(0).padStart(6)} KiB`,
    );
  const size = await coreSize();
  if (size)
    for (const e of size.entries)
      log(
        `  built ${e.entry}: ${e.rawBytes} B bundled, ${e.minBytes} B minified, ${e.gzipBytes} B min+gzip`,
      );
  const coreManifest = readManifest(join(repoRoot, 'packages/core'));
  return {
    imports,
    skippedImports,
    deps,
    coreSize: size,
    coreRuntimeDependencies: Object.keys(coreManifest.dependencies ?? {}),
  };
}
