/**
 * The release, end to end, against a real registry (Verdaccio on 127.0.0.1, throwaway storage):
 *   1. `pnpm publish` every non-private package (what `changeset publish` runs), then prove the
 *      published manifests carry no `workspace:` ranges and share one version (fixed group);
 *   2. in scratch projects outside the workspace, install the adapters + @health/checks with npm,
 *      pnpm and yarn berry, and run each README's quick start as written (see doctest.ts);
 *   3. `changeset version` with a throwaway patch changeset in a scratch COPY of the workspace,
 *      publish the next version, and upgrade the npm consumer to it.
 * Runs after `pnpm build` (root "test" script); it builds nothing.
 */
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepare, quickStart, runQuickStart } from './doctest.js';
import {
  exec,
  freePort,
  nodeBinary,
  type PublishedPackage,
  publishedPackages,
  type Registry,
  repoRoot,
  startVerdaccio,
  yarnBin,
} from './registry.js';

const packages = publishedPackages();
const ADAPTERS = [
  '@health/express',
  '@health/fastify',
  '@health/koa',
  '@health/nestjs',
  '@health/checks',
  '@health/metrics',
  '@health/dashboard',
];
let scratch: string;
let registry: Registry;
let env: NodeJS.ProcessEnv;

async function devVersion(pkg: string, name: string): Promise<string> {
  const manifest = JSON.parse(
    await readFile(join(repoRoot, 'packages', pkg, 'package.json'), 'utf8'),
  );
  return manifest.devDependencies[name];
}

/** The consumer's frameworks, at the ranges the adapters are tested against (their devDependencies). */
async function frameworks(): Promise<Record<string, string>> {
  return {
    express: await devVersion('express', 'express'),
    fastify: await devVersion('fastify', 'fastify'),
    koa: await devVersion('koa', 'koa'),
    '@koa/router': await devVersion('koa', '@koa/router'),
    '@nestjs/common': await devVersion('nestjs', '@nestjs/common'),
    '@nestjs/core': await devVersion('nestjs', '@nestjs/core'),
    '@nestjs/platform-express': await devVersion('nestjs', '@nestjs/platform-express'),
    'reflect-metadata': await devVersion('nestjs', 'reflect-metadata'),
    rxjs: await devVersion('nestjs', 'rxjs'),
    'prom-client': await devVersion('metrics', 'prom-client'),
  };
}

async function consumer(name: string, version: string): Promise<string> {
  const dir = join(scratch, name);
  await mkdir(dir, { recursive: true });
  const deps: Record<string, string> = { '@health/core': version, ...(await frameworks()) };
  for (const adapter of ADAPTERS) deps[adapter] = version;
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify(
      { name: `consumer-${name}`, private: true, type: 'module', dependencies: deps },
      null,
      2,
    ),
  );
  // Nest's decorators are the legacy kind: tsx (esbuild) reads this.
  await writeFile(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'es2022',
        module: 'nodenext',
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
      },
    }),
  );
  return dir;
}

async function runReadmes(dir: string) {
  for (const adapter of ADAPTERS) {
    const pkg = packages.find((p) => p.name === adapter) as PublishedPackage;
    const snippet = quickStart(pkg.readme);
    if (!snippet) throw new Error(`${adapter} README has no \`\`\`ts block under "## Quick start"`);
    const port = await freePort();
    const { code, serves } = prepare(snippet, port);
    await runQuickStart(dir, `quickstart-${adapter.split('/')[1]}.ts`, code, serves, port);
  }
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'health-release-'));
  registry = await startVerdaccio(join(scratch, 'registry'));
  // Provenance needs a CI OIDC token; a local registry run turns it off (publishConfig keeps it on).
  env = { NPM_CONFIG_USERCONFIG: registry.npmrc, npm_config_provenance: 'false' };
  await exec(
    'pnpm',
    ['-r', '--filter', './packages/*', 'publish', '--registry', registry.url, '--no-git-checks'],
    {
      cwd: repoRoot,
      env,
    },
  );
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  if (scratch && process.env.HEALTH_KEEP_SCRATCH !== '1')
    await rm(scratch, { recursive: true, force: true });
});

async function packument(name: string) {
  const res = await fetch(`${registry.url}${name.replace('/', '%2f')}`);
  expect(res.status, `${name} on the registry`).toBe(200);
  return (await res.json()) as {
    'dist-tags': { latest: string };
    versions: Record<string, Record<string, unknown>>;
  };
}

describe('release to a real registry', () => {
  it('published every non-private package, in lockstep, without workspace: ranges', async () => {
    expect(packages.map((p) => p.name)).toEqual(
      expect.arrayContaining(['@health/core', ...ADAPTERS]),
    );
    const versions = new Set(packages.map((p) => p.version));
    expect(versions.size, 'fixed group: one version').toBe(1);
    for (const pkg of packages) {
      const doc = await packument(pkg.name);
      const manifest = doc.versions[pkg.version] as Record<
        string,
        Record<string, string> | undefined
      >;
      expect(manifest, `${pkg.name}@${pkg.version}`).toBeDefined();
      for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
        for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
          expect(range, `${pkg.name} ${field}.${dep}`).not.toMatch(/^workspace:/);
        }
      }
      expect(manifest.devDependencies ?? {}).not.toHaveProperty(
        '@health/test-utils',
        expect.stringMatching(/^workspace/),
      );
    }
  });

  const version = packages[0]?.version ?? '0.0.0';

  it('npm: installs the adapters and runs every README quick start', async () => {
    const dir = await consumer('npm', version);
    await exec('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: dir,
      env,
    });
    await runReadmes(dir);
  }, 240_000);

  it('pnpm: installs the adapters and runs every README quick start', async () => {
    const dir = await consumer('pnpm', version);
    await exec('pnpm', ['install', '--ignore-workspace'], { cwd: dir, env });
    await runReadmes(dir);
  }, 240_000);

  it('yarn berry: installs the adapters and runs every README quick start', async () => {
    const dir = await consumer('yarn', version);
    // tsx needs node_modules (no PnP); the scoped registry is plain http on loopback.
    await writeFile(
      join(dir, '.yarnrc.yml'),
      [
        'nodeLinker: node-modules',
        'enableTelemetry: false',
        'enableGlobalCache: false',
        // Yarn's global metadata cache keys packuments by name, not registry: keep it per run.
        `globalFolder: "${join(scratch, 'yarn-global')}"`,
        // yarn 4 quarantines versions younger than a day by default; ours were published seconds ago.
        'npmMinimalAgeGate: 0',
        'npmPreapprovedPackages: ["@health/*"]',
        'unsafeHttpWhitelist: ["127.0.0.1"]',
        'npmScopes:',
        '  health:',
        `    npmRegistryServer: "${registry.url}"`,
        '',
      ].join('\n'),
    );
    await writeFile(join(dir, 'yarn.lock'), '');
    await exec(process.execPath, [yarnBin, 'install'], {
      cwd: dir,
      env: { ...env, YARN_ENABLE_IMMUTABLE_INSTALLS: 'false' },
    });
    await runReadmes(dir);
  }, 240_000);

  // The Nest README's claim, tried as a CommonJS consumer would: `@nestjs/common` 12 is ESM-only.
  it('a CommonJS project type-checks @health/nestjs: node16 on Nest 11, nodenext on Nest 12, node16 on Nest 12 is TS1479', async () => {
    const typescript = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8'))
      .devDependencies.typescript as string;
    const project = async (nest: string) => {
      const dir = join(scratch, `tsc-nest${nest}`);
      await mkdir(dir, { recursive: true });
      const deps = {
        '@health/core': version,
        '@health/nestjs': version,
        '@nestjs/common': `^${nest}.0.0`,
        '@nestjs/core': `^${nest}.0.0`,
        'reflect-metadata': '^0.2.2',
        rxjs: '^7.8.2',
        typescript,
        '@types/node': '^20',
      };
      // No "type": "module": a CommonJS project, as most Nest services still are.
      await writeFile(
        join(dir, 'package.json'),
        JSON.stringify({ name: `tsc-nest${nest}`, private: true, dependencies: deps }),
      );
      await writeFile(
        join(dir, 'app.module.ts'),
        [
          "import { Module } from '@nestjs/common';",
          "import { HealthModule } from '@health/nestjs';",
          '',
          "@Module({ imports: [HealthModule.forRoot({ checks: [{ name: 'db', check: () => true }] })] })",
          'export class AppModule {}',
          '',
        ].join('\n'),
      );
      await exec('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
        cwd: dir,
        env,
      });
      return dir;
    };
    const tsc = async (dir: string, module: 'node16' | 'nodenext') => {
      const options = {
        module,
        moduleResolution: module,
        target: 'es2022',
        strict: true,
        skipLibCheck: false,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        noEmit: true,
        types: ['node'],
      };
      await writeFile(
        join(dir, `tsconfig.${module}.json`),
        JSON.stringify({ compilerOptions: options, files: ['app.module.ts'] }),
      );
      const bin = join(dir, 'node_modules', 'typescript', 'bin', 'tsc');
      return exec(process.execPath, [bin, '-p', `tsconfig.${module}.json`, '--pretty', 'false'], {
        cwd: dir,
      }).then(
        () => 'ok',
        (err: Error) => err.message,
      );
    };
    const [nest11, nest12] = await Promise.all([project('11'), project('12')]);
    expect(await tsc(nest11, 'node16'), 'Nest 11, node16').toBe('ok');
    expect(await tsc(nest12, 'nodenext'), 'Nest 12, nodenext').toBe('ok');
    expect(await tsc(nest12, 'node16'), 'Nest 12, node16 (the README says TS1479)').toContain(
      'TS1479',
    );
  }, 240_000);

  it('a second changeset version bump publishes the next version, and the consumer upgrades', async () => {
    // A scratch copy of the workspace (manifests, READMEs, dist): the repo's .changeset stays untouched.
    const copy = join(scratch, 'workspace');
    await mkdir(join(copy, '.changeset'), { recursive: true });
    for (const file of ['package.json', 'pnpm-workspace.yaml', '.changeset/config.json']) {
      await cp(join(repoRoot, file), join(copy, file));
    }
    await writeFile(join(copy, 'pnpm-workspace.yaml'), 'packages:\n  - packages/*\n');
    const { readdirSync, existsSync } = await import('node:fs');
    for (const name of readdirSync(join(repoRoot, 'packages'))) {
      const from = join(repoRoot, 'packages', name);
      if (!existsSync(join(from, 'package.json'))) continue;
      for (const entry of ['package.json', 'README.md', 'dist', 'LICENSE']) {
        if (existsSync(join(from, entry)))
          await cp(join(from, entry), join(copy, 'packages', name, entry), { recursive: true });
      }
    }
    // The config ignores examples/bench, which the copy does not have.
    const config = JSON.parse(await readFile(join(copy, '.changeset', 'config.json'), 'utf8'));
    config.ignore = config.ignore.filter((glob: string) => !/example|bench/.test(glob));
    await writeFile(join(copy, '.changeset', 'config.json'), JSON.stringify(config, null, 2));
    await writeFile(
      join(copy, '.changeset', 'throwaway-patch.md'),
      "---\n'@health/core': patch\n---\n\nRelease test bump.\n",
    );
    // @changesets/cli 3 needs Node >= 22 (module.enableCompileCache), so `changeset version` runs on it.
    const node22 = await nodeBinary(22);
    await exec(
      node22,
      [join(repoRoot, 'node_modules', '@changesets', 'cli', 'bin.js'), 'version'],
      { cwd: copy, env },
    );
    const next = publishedPackages(copy);
    const nextVersions = new Set(next.map((p) => p.version));
    expect([...nextVersions], 'fixed group bumps every package').toHaveLength(1);
    const nextVersion = [...nextVersions][0] as string;
    expect(nextVersion).not.toBe(version);
    // pnpm rewrites workspace: ranges from the linked packages' manifests: link them as an install would.
    const dirs = new Map(publishedPackages(copy, true).map((p) => [p.name, p.dir]));
    for (const pkg of publishedPackages(copy, true)) {
      const manifest = JSON.parse(await readFile(join(pkg.dir, 'package.json'), 'utf8'));
      for (const field of ['dependencies', 'devDependencies', 'peerDependencies']) {
        for (const [dep, spec] of Object.entries<string>(manifest[field] ?? {})) {
          const target = dirs.get(dep);
          if (!spec.startsWith('workspace:') || !target) continue;
          await mkdir(join(pkg.dir, 'node_modules', '@health'), { recursive: true });
          await symlink(target, join(pkg.dir, 'node_modules', dep), 'dir').catch(() => {});
        }
      }
    }
    await exec('pnpm', ['-r', 'publish', '--registry', registry.url, '--no-git-checks'], {
      cwd: copy,
      env,
    });
    for (const pkg of next)
      expect((await packument(pkg.name))['dist-tags'].latest).toBe(nextVersion);

    const dir = join(scratch, 'npm');
    await exec(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        ...ADAPTERS.map((a) => `${a}@latest`),
        '@health/core@latest',
      ],
      {
        cwd: dir,
        env,
      },
    );
    for (const name of ['@health/core', ...ADAPTERS]) {
      const installed = JSON.parse(
        await readFile(join(dir, 'node_modules', name, 'package.json'), 'utf8'),
      );
      expect(installed.version, name).toBe(nextVersion);
    }
    await runReadmes(dir);
  }, 240_000);
});
