// The published shape: pack @health/core and @health/cli, install the tarballs with plain npm in a
// temp dir, then require() and import() the API and run the `health` bin (probe + doctor).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');
let dir = '';
afterAll(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

it('the bin statically loads node builtins only: gRPC, the doctor and their deps are dynamic imports', async () => {
  const dist = join(root, 'packages/cli/dist');
  const seen = new Set<string>();
  const visit = async (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = await readFile(join(dist, file), 'utf8');
    for (const [, spec] of code.matchAll(/^import\s[^'"]*['"]([^'"]+)['"]/gm)) {
      if (spec?.startsWith('./')) await visit(spec.slice(2));
      else expect(spec, `${file} imports ${spec}`).toMatch(/^node:/);
    }
  };
  await visit('bin.js');
  expect([...seen].some((f) => /grpc|doctor/.test(f))).toBe(false);
  expect(seen.size).toBeGreaterThan(1);
});

it('installs from tarballs with npm; ESM and CJS consumers; the bin runs', {
  timeout: 120_000,
}, async () => {
  for (const pkg of ['core', 'cli'])
    expect(
      existsSync(join(root, 'packages', pkg, 'dist/index.js')),
      `run pnpm --filter @health/${pkg} build first`,
    ).toBe(true);
  dir = await mkdtemp(join(tmpdir(), 'health-cli-packed-'));
  for (const pkg of ['core', 'cli'])
    await run('pnpm', ['pack', '--pack-destination', dir], { cwd: join(root, 'packages', pkg) });
  const tarballs = (await readdir(dir)).filter((f) => f.endsWith('.tgz')).map((f) => join(dir, f));
  await writeFile(join(dir, 'package.json'), '{"name":"consumer","private":true}');
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs], {
    cwd: dir,
  });

  await writeFile(
    join(dir, 'esm.mjs'),
    "import { probe, doctor } from '@health/cli'; console.log(typeof probe, typeof doctor);",
  );
  await writeFile(
    join(dir, 'cjs.cjs'),
    "const { probe, doctor } = require('@health/cli'); console.log(typeof probe, typeof doctor, require.resolve('@health/cli'));",
  );
  expect((await run('node', ['esm.mjs'], { cwd: dir })).stdout).toBe('function function\n');
  expect((await run('node', ['cjs.cjs'], { cwd: dir })).stdout).toMatch(
    /^function function .*index\.cjs\n$/,
  );

  const server = createServer((req, res) => {
    res.statusCode = req.url === '/health/ready' ? 200 : 503;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const bin = join(dir, 'node_modules/.bin/health');
    expect((await run(bin, ['probe', `${url}/health/ready`])).stdout).toBe('healthy: 200 OK\n');
    await expect(
      run('node', ['node_modules/@health/cli/dist/bin.js', 'probe', `${url}/nope`], { cwd: dir }),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('503') });
    const manifest = join(root, 'examples/express/k8s/deployment.yaml');
    expect((await run(bin, ['doctor', manifest, '--drain-delay', '5000'])).stdout).toContain(
      'all rules hold',
    );
  } finally {
    await new Promise((r) => server.close(r));
  }
});
