/**
 * Root test config (`pnpm test:unit` = `vitest run`). Projects:
 *   - `unit`:   packages/*\/test, examples/*\/test — esbuild/oxc transform;
 *   - `load`:   packages/reliability/test, bench/test — real load (wrk, HAProxy, soak-style leaks);
 *               `pnpm test:load` runs it on its own, one file at a time, after everything else,
 *               so load never skews the timing-sensitive tests and vice versa;
 *   - `nestjs`: packages/nestjs/test, examples/nestjs*\/test — SWC transform (decorator metadata);
 *   - any `packages/*\/vitest.config.ts` / `examples/*\/vitest.config.ts`: that package owns its
 *     tests (e.g. one project per framework major) and is excluded from `unit`.
 */
import './scripts/node20-polyfills.js';
import { existsSync, readdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { healthAliases, healthProject, repoRoot } from './vitest.shared.js';

const NEST = ['packages/nestjs/**', 'examples/nestjs*/**'];
const LOAD = ['packages/reliability/**', 'bench/**', 'packages/release/test/**/*.load.test.ts'];

const ownConfigs = ['packages', 'examples'].flatMap((dir) =>
  existsSync(`${repoRoot}${dir}`)
    ? readdirSync(`${repoRoot}${dir}`)
        .filter((name) => existsSync(`${repoRoot}${dir}/${name}/vitest.config.ts`))
        .map((name) => `${dir}/${name}`)
    : [],
);

export default defineConfig({
  resolve: { alias: healthAliases },
  test: {
    reporters: ['default'],
    passWithNoTests: false,
    projects: [
      healthProject('unit', ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'], {
        exclude: [...NEST, ...LOAD, ...ownConfigs.map((dir) => `${dir}/**`)],
      }),
      healthProject('load', [
        'packages/reliability/test/**/*.test.ts',
        'bench/test/**/*.test.ts',
        'packages/release/test/**/*.load.test.ts',
      ]),
      healthProject(
        'nestjs',
        ['packages/nestjs/test/**/*.test.ts', 'examples/nestjs*/test/**/*.test.ts'],
        {
          decorators: true,
          exclude: ownConfigs.map((dir) => `${dir}/**`),
        },
      ),
      ...ownConfigs.map((dir) => `${dir}/vitest.config.ts`),
    ],
  },
});
