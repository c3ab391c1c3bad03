/**
 * Root test config (`pnpm test:unit` = `vitest run`). Projects:
 *   - `unit`:   packages/*\/test, examples/*\/test, bench/test — esbuild/oxc transform;
 *   - `nestjs`: packages/nestjs/test, examples/nestjs*\/test — SWC transform (decorator metadata);
 *   - any `packages/*\/vitest.config.ts` / `examples/*\/vitest.config.ts`: that package owns its
 *     tests (e.g. one project per framework major) and is excluded from `unit`.
 */
import './scripts/node20-polyfills.js';
import { existsSync, readdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { healthAliases, healthProject, repoRoot } from './vitest.shared.js';

const NEST = ['packages/nestjs/**', 'examples/nestjs*/**'];

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
      healthProject(
        'unit',
        ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'bench/test/**/*.test.ts'],
        { exclude: [...NEST, ...ownConfigs.map((dir) => `${dir}/**`)] },
      ),
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
