/**
 * The Cloud Foundry path, as far as it goes without a CF: each framework example is deployed as a
 * standalone folder (`pnpm deploy --prod`, what its manifest.yml expects), then the manifest's own
 * `command` runs there with the manifest's `env` and nothing from the workspace (no root tsconfig,
 * no dev dependencies). Its `health-check-http-endpoint` must answer 200 (CF's HTTP health check),
 * and SIGTERM (what CF sends on stop, SIGKILL following 10 s later) must end it with exit code 0.
 * Needs the packages built (`pnpm test` builds before the tests run).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { httpRequest } from '@health/test-utils';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PNPM = ['-y', 'pnpm@12.4.2'];
const CF_STOP_BUDGET_MS = 10_000;
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The few manifest fields this test acts on (one application per manifest, flat YAML). */
function readManifest(example: string) {
  const text = readFileSync(join(ROOT, 'examples', example, 'manifest.yml'), 'utf8');
  const field = (name: string) => {
    const value = new RegExp(`^\\s+${name}:\\s*(.+)$`, 'm').exec(text)?.[1]?.trim();
    if (!value) throw new Error(`examples/${example}/manifest.yml has no ${name}`);
    return value.replace(/^"(.*)"$/, '$1');
  };
  return {
    command: field('command'),
    endpoint: field('health-check-http-endpoint'),
    env: { DRAIN_DELAY_MS: field('DRAIN_DELAY_MS') },
  };
}

describe.each(['express', 'fastify', 'koa', 'nestjs'])(
  'examples/%s deployed standalone',
  (example) => {
    it("runs the manifest's command, passes CF's health check, exits 0 on SIGTERM", {
      timeout: 120_000,
    }, async () => {
      const manifest = readManifest(example);
      expect(manifest.command).not.toMatch(/^npm /); // SIGTERM must reach node itself
      const dir = mkdtempSync(join(tmpdir(), `health-deploy-${example}-`));
      dirs.push(dir);
      rmSync(dir, { recursive: true });
      execFileSync(
        'npx',
        [...PNPM, '--filter', `@health/example-${example}`, 'deploy', '--prod', dir],
        { cwd: ROOT, stdio: 'pipe' },
      );

      // Only what CF would give the process: PATH, HOME, PORT, and the manifest's env.
      const child = spawn('/bin/sh', ['-c', `exec ${manifest.command}`], {
        cwd: dir,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          PORT: '0',
          HOST: '127.0.0.1',
          ...manifest.env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      try {
        const baseUrl = await new Promise<string>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`not listening:\n${output}`)), 60_000);
          const onData = () => {
            const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
            if (!match?.[1]) return;
            clearTimeout(timer);
            resolve(match[1]);
          };
          child.stdout.on('data', onData);
          child.once('exit', (code) =>
            reject(new Error(`exited ${code} before listening:\n${output}`)),
          );
        });
        // CF polls the endpoint until it passes (the manifest gives it `timeout: 120` s).
        let status = 0;
        const deadline = Date.now() + 60_000;
        while (status !== 200 && Date.now() < deadline) {
          status = (await httpRequest(`${baseUrl}${manifest.endpoint}`)).status;
          if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
        }
        expect(status, output).toBe(200);

        const stopped = Date.now();
        child.kill('SIGTERM');
        expect(await exited, output).toBe(0);
        const tookMs = Date.now() - stopped;
        console.log(
          `[deploy] examples/${example}: \`${manifest.command}\` in a pnpm deploy --prod folder; ${manifest.endpoint} 200; SIGTERM -> exit 0 in ${tookMs} ms (drain ${manifest.env.DRAIN_DELAY_MS} ms)`,
        );
        expect(tookMs).toBeLessThan(CF_STOP_BUDGET_MS);
      } finally {
        child.kill('SIGKILL');
      }
    });
  },
);
