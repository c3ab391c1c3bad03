/**
 * Memory under millions of probes, part of `pnpm test` (the HTTP soak per adapter is
 * `pnpm --filter @health/reliability soak`): 2 million probes through the seam in a real
 * process with `--expose-gc`, checks expiring, refreshing in the background and failing; the
 * heap after a full GC must stay flat once warm.
 */
import { spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixtures, repoRoot } from './support/child.js';

const tsx = pathToFileURL(
  join(
    dirname(realpathSync(createRequire(import.meta.url).resolve('tsx/package.json'))),
    'dist/loader.mjs',
  ),
).href;

describe('heap under 2 million probes through the seam', () => {
  it('stays flat after GC', async () => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', tsx, join(fixtures, 'seam-soak.ts')],
      {
        env: {
          ...process.env,
          TSX_TSCONFIG_PATH: join(repoRoot, 'tsconfig.json'),
          PROBES: '2000000',
          ROUNDS: '8',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const started = Date.now();
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    const rounds = out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { probes: number; heapUsed: number });
    const mb = (n: number) => (n / 1024 / 1024).toFixed(3);
    // Round 1 warms up (JIT, first check runs); from there on the heap must not grow.
    const warm = rounds[1]?.heapUsed ?? 0;
    const last = rounds.at(-1)?.heapUsed ?? 0;
    console.log(
      `[leak] ${rounds.at(-1)?.probes} probes through the seam in ${((Date.now() - started) / 1000).toFixed(1)} s; heap after GC before ${mb(rounds[0]?.heapUsed ?? 0)} MB, warm ${mb(warm)} MB, after ${mb(last)} MB (per 250k: ${rounds.map((r) => mb(r.heapUsed)).join(' ')})`,
    );
    expect(code).toBe(0);
    expect(rounds).toHaveLength(9);
    expect(last - warm).toBeLessThan(256 * 1024);
  }, 120_000);
});
