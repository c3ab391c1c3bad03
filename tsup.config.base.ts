/**
 * Shared tsup settings for every published `@health/*` package.
 *
 * Output for a `"type": "module"` package: ESM `.js` + `.d.ts`, CJS `.cjs` + `.d.cts`,
 * so each `exports` condition gets types written for its own format (attw "masquerading"
 * trap). Declarations are produced with the workspace's pinned TypeScript (5.9.3).
 *
 * Decorators: when the package's tsconfig has `emitDecoratorMetadata`, tsup transforms
 * sources with SWC (`@swc/core`, installed at the root) so NestJS DI metadata survives;
 * packages without decorators turn it off in their tsconfig and build with plain esbuild.
 */
import { defineConfig, type Options } from 'tsup';

/** Entry map: output name (`index`, `node`, ...) -> source file. */
export type HealthEntries = Record<string, string>;

export function defineHealthTsup(entries: HealthEntries, overrides: Options = {}) {
  return defineConfig({
    entry: entries,
    format: ['esm', 'cjs'],
    outDir: 'dist',
    outExtension: ({ format }) =>
      format === 'cjs' ? { js: '.cjs', dts: '.d.cts' } : { js: '.js', dts: '.d.ts' },
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
    treeshake: true,
    // Shared chunks: one copy of core internals per format even with several entries.
    splitting: true,
    shims: false,
    // tsup 9 strips `node:` by default; keep the specifiers as written.
    removeNodeProtocol: false,
    tsconfig: 'tsconfig.json',
    ...overrides,
  });
}
