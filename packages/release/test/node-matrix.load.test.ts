/**
 * Runtime matrix: core's, the Express, Fastify, Koa and NestJS adapters' and the checks' unit +
 * conformance suites on Node 22 and 24
 * (Node 20 runs everything in the main `pnpm test`). Node binaries come from npm's `node`
 * package, cached in ~/.cache/health-node. Both majors run at once (2-core CI box), bounded.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exec, nodeBinary, repoRoot } from './registry.js';

const SUITES = [
  'packages/core/',
  'packages/express/',
  'packages/fastify/',
  'packages/koa/',
  'packages/nestjs/', // the `nestjs` project (SWC, decorator metadata)
];

describe('runtime matrix', () => {
  it('core, express, fastify, koa and nestjs suites pass on Node 22 and Node 24', async () => {
    const runs = await Promise.all(
      [22, 24].map(async (major) => {
        const node = await nodeBinary(major);
        const out = await exec(
          node,
          [
            join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs'),
            'run',
            '--project',
            'unit',
            '--project',
            'nestjs',
            ...SUITES,
          ],
          {
            cwd: repoRoot,
            timeout: 240_000,
          },
        );
        return { major, out };
      }),
    );
    for (const { major, out } of runs) {
      expect(out, `Node ${major}`).toMatch(/Tests\s+\S*\d+ passed/);
      for (const suite of SUITES) expect(out, `Node ${major} ran ${suite}`).toContain(suite);
    }
  }, 300_000);
});
