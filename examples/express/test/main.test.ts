// Runs the example as a real process (src/main.ts through tsx's loader, so signals reach the
// service itself), probes every endpoint and the business route, then sends SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { httpRequest } from '@health/test-utils';
import { afterAll, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const tsx = pathToFileURL(require.resolve('tsx')).href;
const root = fileURLToPath(new URL('../../../', import.meta.url));
const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

let child: ChildProcess | undefined;
afterAll(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

async function until<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeout = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

it('serves probes and the business route, then drains and exits 0 on SIGTERM', async () => {
  child = spawn(process.execPath, ['--import', tsx, main], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      DRAIN_DELAY_MS: '500',
      TSX_TSCONFIG_PATH: `${root}tsconfig.json`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const base = await until(
    async () => /listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout)?.[1],
    (url) => url !== undefined || child?.exitCode !== null,
    30_000,
  );
  expect(base, `no listening line\n${stdout}\n${stderr}`).toBeDefined();
  expect(stdout.match(/listening on/g)).toHaveLength(1);

  const ready = await until(
    () => httpRequest(`${base}/health/ready`),
    (res) => res.status === 200,
  );
  expect(ready.status).toBe(200);
  expect(ready.body).toBe('{"status":"UP"}');
  for (const path of ['/health', '/health/live', '/health/started']) {
    const res = await httpRequest(`${base}${path}`);
    expect(res.status, path).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
  }
  const greeting = await httpRequest(`${base}/api/greeting`);
  expect(greeting.status).toBe(200);
  expect(JSON.parse(greeting.body)).toMatchObject({
    greeting: 'Hello from Express',
    postgres: expect.any(String),
  });

  child.kill('SIGTERM');
  const draining = await until(
    () => httpRequest(`${base}/health/ready`),
    (res) => res.status === 503,
    2_000,
  );
  expect(draining.status).toBe(503);
  expect((await httpRequest(`${base}/health/live`)).status).toBe(200);
  const [code, signal] = await exited;
  expect({ code, signal, stderr }).toEqual({ code: 0, signal: null, stderr: '' });
});
