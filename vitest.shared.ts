/**
 * Shared vitest settings. The root `vitest.config.ts` uses them for its inline projects;
 * a package that needs its own projects (e.g. one per framework major through npm aliases)
 * adds `packages/<name>/vitest.config.ts` built with `healthProject()` and is then picked up
 * by the root config automatically (and left out of the default `unit` project).
 */
import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import type { Alias, Plugin } from 'vite';
import type { TestProjectInlineConfiguration } from 'vitest/config';

export const repoRoot = fileURLToPath(new URL('.', import.meta.url));

/**
 * Source-first resolution (STYLE 8): `@health/<pkg>[/<subpath>]` -> `packages/<pkg>/src/...`,
 * so tests never need a build. `@health/core/node` -> `packages/core/src/node.ts`.
 */
export const healthAliases: Alias[] = [
  // Private example packages live in examples/<name> (`@health/example-shared-checks`).
  {
    find: /^@health\/example-([a-z0-9-]+)$/,
    replacement: `${repoRoot}examples/$1/src/index.ts`,
  },
  {
    find: /^@health\/([a-z0-9-]+)\/([a-z0-9-]+)$/,
    replacement: `${repoRoot}packages/$1/src/$2.ts`,
  },
  {
    find: /^@health\/([a-z0-9-]+)$/,
    replacement: `${repoRoot}packages/$1/src/index.ts`,
  },
];

/** Runtime test settings shared by every project. No retries: flaky tests must be fixed. */
export const sharedTest = {
  pool: 'forks',
  testTimeout: 30_000,
  hookTimeout: 60_000,
  retry: 0,
} as const;

/**
 * SWC transform (legacy decorators + `design:*` metadata, read from the root tsconfig) for
 * NestJS code: esbuild/oxc drop decorator metadata, which breaks Nest DI by type.
 */
export function swcPlugin(): Plugin {
  return swc.vite({
    tsconfigFile: `${repoRoot}tsconfig.json`,
    module: { type: 'es6' },
  }) as Plugin;
}

/** Builds a project config; `decorators: true` switches the transform to SWC. */
export function healthProject(
  name: string,
  include: string[],
  options: { decorators?: boolean; exclude?: string[]; root?: string } = {},
): TestProjectInlineConfiguration {
  return {
    ...(options.decorators ? { plugins: [swcPlugin()] } : {}),
    root: options.root ?? repoRoot,
    resolve: { alias: healthAliases },
    test: {
      ...sharedTest,
      name,
      include,
      exclude: ['**/node_modules/**', '**/dist/**', ...(options.exclude ?? [])],
    },
  };
}
