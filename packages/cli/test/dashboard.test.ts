// `health dashboard`: delegates to @health/dashboard's fleet mode; without the package installed
// the bin says what to install and exits 2.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { dashboardCommand } from '../src/dashboard.js';

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

it('delegates to @health/dashboard runFleet (bad input: its message, exit 2)', async () => {
  const out = sink();
  const err = sink();
  const code = await dashboardCommand(
    ['--target', 'nameonly'],
    out.stream,
    err.stream,
    () => import('../../dashboard/src/index.js'),
  );
  expect(code).toBe(2);
  expect(err.text()).toMatch(/--target must be name=url, got "nameonly"/);
  expect(err.text()).toMatch(/usage: health-dashboard/);
});

it('without @health/dashboard installed the bin names the package to install, exit 2', () => {
  // From packages/cli with its own tsconfig (no workspace paths): Node's resolution, as installed.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const cwd = fileURLToPath(new URL('..', import.meta.url));
  const run = spawnSync(
    process.execPath,
    ['--import', tsx, 'src/bin.ts', 'dashboard', '--target', 'a=http://127.0.0.1:1'],
    { cwd, encoding: 'utf8', timeout: 20_000, env: { ...process.env, TSX_TSCONFIG_PATH: '' } },
  );
  expect(run.stderr).toContain(
    '@health/cli: dashboard needs @health/dashboard next to @health/cli: npm install @health/dashboard',
  );
  expect(run.status).toBe(2);
});
