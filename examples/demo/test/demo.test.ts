// Runs the demo as a real process and reads its terminal output: the lifecycle banners in order,
// the probe URLs, details for a loopback caller, the shutdown phases, and exit 0 after SIGTERM.
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
  probe: () => Promise<T> | T,
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

it('prints STARTING -> UP, its probe URLs, then STOPPING -> drain -> DOWN and exits 0 on SIGTERM', async () => {
  child = spawn(process.execPath, ['--import', tsx, main], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      DRAIN_DELAY_MS: '200',
      TSX_TSCONFIG_PATH: `${root}tsconfig.json`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const running = () => child?.exitCode === null;

  // The URL block ends with the Ctrl-C hint; wait for all of it, not just the listening line.
  const port = await until(
    () => /listening on http:\/\/127\.0\.0\.1:(\d+)\n[\s\S]*SIGTERM to stop/.exec(stdout)?.[1],
    (p) => !!p || !running(),
    30_000,
  );
  expect(port, `no listening line\n${stdout}\n${stderr}`).toBeDefined();
  const base = `http://127.0.0.1:${port}`;
  for (const path of [
    '/health',
    '/health/live',
    '/health/ready',
    '/health/started',
    '/api/greeting',
  ]) {
    expect(stdout).toContain(`curl -i localhost:${port}${path}`);
  }
  // The warm-up (database, then ~2 s) is still running: readiness fails, liveness passes.
  const starting = await httpRequest(`${base}/health/ready`);
  expect(starting.status).toBe(503);
  expect(JSON.parse(starting.body)).toMatchObject({ status: 'DOWN', state: 'STARTING' });
  expect((await httpRequest(`${base}/health/live`)).status).toBe(200);

  await until(
    () => stdout,
    (out) => out.includes('==> UP') || !running(),
    30_000,
  );
  const ready = await httpRequest(`${base}/health/ready`);
  expect(ready.status).toBe(200);
  // Loopback caller: checks and details are shown.
  expect(JSON.parse(ready.body)).toMatchObject({
    status: 'UP',
    state: 'UP',
    checks: [{ name: 'database', status: 'UP', details: { kind: expect.any(String) } }],
  });
  expect(JSON.parse((await httpRequest(`${base}/api/greeting`)).body)).toEqual({
    greeting: 'Hello from the demo',
  });

  child.kill('SIGTERM');
  const [code, signal] = await exited;
  expect({ code, signal, stderr }).toEqual({ code: 0, signal: null, stderr: '' });

  const lines = stdout.split('\n');
  const banners = lines
    .filter((line) => line.includes('==> '))
    .map((line) => /==> (\w+)/.exec(line)?.[1]);
  expect(banners).toEqual(['STARTING', 'UP', 'STOPPING', 'DOWN']);
  for (const line of lines.filter((l) => l.includes('==> ') || l.includes('[health]'))) {
    expect(line).toMatch(/^\d\d:\d\d:\d\d\.\d{3} {2}/);
  }
  expect(stdout).toMatch(/==> STOPPING .*readiness 503 · liveness 200/);
  expect(stdout).toMatch(/==> DOWN .*readiness 503 · liveness 503/);
  const phases = [
    'SIGTERM received',
    'draining for 200 ms',
    'drain done',
    'servers closed',
    'closing the database',
    'state STOPPING -> DOWN',
    'exit code 0',
  ];
  const positions = phases.map((phase) => stdout.indexOf(phase));
  expect(
    positions.every((position) => position >= 0),
    stdout,
  ).toBe(true);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
});
