// Runs the demo as a real process and reads its terminal output: the lifecycle banners in order,
// the probe URLs, details for a loopback caller, the shutdown phases, and exit 0 after SIGTERM.
import { fileURLToPath } from 'node:url';
import { httpRequest, killServices, startService } from '@health/test-utils';
import { afterAll, expect, it } from 'vitest';

afterAll(killServices);

it('prints STARTING -> UP, its probe URLs, then STOPPING -> drain -> DOWN and exits 0 on SIGTERM', async () => {
  const demo = await startService(fileURLToPath(new URL('../src/main.ts', import.meta.url)), {
    env: { DRAIN_DELAY_MS: '200' },
  });
  // The URL block ends with the Ctrl-C hint; wait for all of it, not just the listening line.
  await demo.waitForOutput(/SIGTERM to stop/);
  const base = demo.baseUrl;
  const port = new URL(base).port;
  for (const path of [
    '/health',
    '/health/live',
    '/health/ready',
    '/health/started',
    '/api/greeting',
  ]) {
    expect(demo.stdout()).toContain(`curl -i localhost:${port}${path}`);
  }
  // The warm-up (database, then ~2 s) is still running: readiness fails, liveness passes.
  const starting = await httpRequest(`${base}/health/ready`);
  expect(starting.status).toBe(503);
  expect(JSON.parse(starting.body)).toMatchObject({ status: 'DOWN', state: 'STARTING' });
  expect((await httpRequest(`${base}/health/live`)).status).toBe(200);

  await demo.waitForOutput(/==> UP/);
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

  const exit = await demo.stop('SIGTERM');
  expect({ ...exit, stderr: demo.stderr() }).toEqual({ code: 0, signal: null, stderr: '' });
  const stdout = demo.stdout();

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
