/**
 * Compiles bench/src/**\/*.ts to bench/dist/**\/*.js with SWC (legacy decorators + decorator
 * metadata, which Nest's injection by type needs and esbuild/tsx do not emit), so every server
 * under test and the orchestrator run on plain `node`, with no loader in the measured process.
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformFile } from '@swc/core';

export const benchRoot = fileURLToPath(new URL('..', import.meta.url));

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Compiles every source file; returns the output directory. */
export async function compile() {
  const src = join(benchRoot, 'src');
  const out = join(benchRoot, 'dist');
  await Promise.all(
    sources(src).map(async (file) => {
      const { code } = await transformFile(file, {
        swcrc: false,
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
          keepClassNames: true,
        },
        module: { type: 'es6' },
        sourceMaps: false,
      });
      const target = join(out, relative(src, file)).replace(/\.ts$/, '.js');
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, code);
    }),
  );
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = await compile();
  console.log(`compiled bench/src -> ${relative(process.cwd(), out) || out}`);
}
