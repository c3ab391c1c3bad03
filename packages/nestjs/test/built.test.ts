// Boots real Nest apps from the BUILT package (dist/, ESM and CJS) in child processes: proves that
// injection works without design:* metadata (plain-JS consumers, esbuild/tsx users) and that
// SIGTERM drains and exits 0 with and without Nest's enableShutdownHooks(), on both platforms.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { httpRequest } from '@health/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { startChild } from './process.js';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const newest = (dir: string): number =>
  Math.max(...readdirSync(dir, { recursive: true }).map((f) => statSync(`${dir}/${f}`).mtimeMs));

beforeAll(() => {
  const built = ['dist/index.js', 'dist/index.cjs', '../core/dist/index.js'].every((f) =>
    existsSync(`${pkg}${f}`),
  );
  const fresh =
    built &&
    statSync(`${pkg}dist/index.js`).mtimeMs >= newest(`${pkg}src`) &&
    statSync(`${pkg}../core/dist/index.js`).mtimeMs >= newest(`${pkg}../core/src`);
  if (!fresh)
    execFileSync('pnpm', ['--filter', '@health/nestjs...', 'build'], { cwd: pkg, stdio: 'ignore' });
}, 180_000);

const cases = [
  { entry: 'built-app.mjs', platform: 'express', nestHooks: true },
  { entry: 'built-app.cjs', platform: 'fastify', nestHooks: true },
  { entry: 'built-app.mjs', platform: 'fastify', nestHooks: false },
  { entry: 'built-app.cjs', platform: 'express', nestHooks: false },
] as const;

describe('built output', () => {
  for (const { entry, platform, nestHooks } of cases) {
    const hooks = nestHooks ? 'with enableShutdownHooks()' : 'core signals only';
    it(`${entry} on ${platform}, ${hooks}: injects, serves, drains on SIGTERM, exits 0`, async () => {
      const child = await startChild([`test/fixtures/${entry}`], {
        cwd: pkg,
        env: { PLATFORM: platform, NEST_HOOKS: nestHooks ? '1' : '0', DRAIN_DELAY_MS: '600' },
      });
      const greeting = await httpRequest(`${child.baseUrl}/api/greeting`);
      expect(greeting.status).toBe(200);
      expect(JSON.parse(greeting.body)).toEqual({ hello: 'world', state: 'UP', pool: true });
      const ready = await httpRequest(`${child.baseUrl}/health/ready`);
      expect(ready.status).toBe(200);
      expect(JSON.parse(ready.body)).toEqual({
        status: 'UP',
        checks: [{ name: 'pool', status: 'UP' }],
      });
      expect((await httpRequest(`${child.baseUrl}/health/live`)).status).toBe(200);

      child.proc.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 150));
      // Draining: readiness fails while the app still serves.
      expect((await httpRequest(`${child.baseUrl}/health/ready`)).status).toBe(503);
      expect((await httpRequest(`${child.baseUrl}/health/live`)).status).toBe(200);
      expect((await httpRequest(`${child.baseUrl}/api/greeting`)).status).toBe(200);

      expect(await child.exited).toEqual({ code: 0, signal: null });
      // Nest's own shutdown hooks run (after the drain and server close) only when Nest handles signals.
      if (nestHooks) expect(child.output()).toContain('onApplicationShutdown SIGTERM state=DOWN');
      else expect(child.output()).not.toContain('onApplicationShutdown');
    });
  }
});
