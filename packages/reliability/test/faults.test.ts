/**
 * Fault injection with real processes and real signals: checks that hang, throw, reject with
 * non-Errors, resolve late or leak secrets; a shutdown hook that hangs; SIGTERM while STARTING;
 * a second SIGTERM during shutdown; an uncaught exception with and without `trapUncaughtErrors`.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Child, exitWithin, fixtures, sleep, startTs } from './support/child.js';
import { type Answer, get } from './support/http.js';

const SERVICE = join(fixtures, 'service.ts');
const SECRET = 'hunter2-s3cr3t';
/** A kubelet probe's default timeoutSeconds is 1: every probe must answer well inside it. */
const PROBE_BOUND_MS = 1000;

const children: Child[] = [];
async function start(env: Record<string, string>): Promise<Child> {
  const child = await startTs(SERVICE, { env });
  children.push(child);
  return child;
}
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

const states = (child: Child) =>
  child.events.filter((e) => e.event === 'state').map((e) => `${e.from}->${e.to}`);

describe('faulty checks in a real process', () => {
  it('answers in bounded time with the right status, leaks nothing, rejects nothing, and exits by itself', async () => {
    const child = await start({ SCENARIO: 'faults' });
    const answers: { path: string; auth: boolean; answer: Answer }[] = [];
    const paths = ['/health/ready', '/health', '/health/live', '/health/started'];
    // 2.5 s of bursts: several TTLs pass, so checks re-run while the hanging one still hangs.
    const until = Date.now() + 2500;
    while (Date.now() < until) {
      const burst = paths.flatMap((path) =>
        [false, false, false, true].map(async (auth) => {
          const headers = auth ? { authorization: 'Bearer ops-token' } : {};
          answers.push({ path, auth, answer: await get(child.url + path, { headers }) });
        }),
      );
      burst.push(
        get(`${child.url}/health/ready`, { method: 'HEAD' }).then(
          (answer) => void answers.push({ path: 'HEAD', auth: false, answer }),
        ),
      );
      await Promise.all(burst);
      await sleep(150);
    }
    const slowest = Math.max(...answers.map((a) => a.answer.ms));
    console.log(
      `[faults] ${answers.length} probes against 5 faulty checks; slowest answer ${slowest.toFixed(0)} ms (bound ${PROBE_BOUND_MS} ms)`,
    );
    expect(answers.length).toBeGreaterThan(50);
    expect(slowest).toBeLessThan(PROBE_BOUND_MS);

    const expected: Record<string, number> = {
      '/health/ready': 503,
      '/health': 503,
      '/health/live': 200,
      '/health/started': 200,
      HEAD: 503,
    };
    for (const { path, auth, answer } of answers) {
      expect(answer.status, path).toBe(expected[path]);
      expect(answer.headers['cache-control']).toBe('no-store');
      const raw = JSON.stringify(answer.headers) + answer.body;
      expect(raw).not.toContain(SECRET);
      expect(raw).not.toContain('admin');
      if (path === 'HEAD') expect(answer.body).toBe('');
      else if (!auth)
        expect(answer.body).toBe(answer.status === 200 ? '{"status":"UP"}' : '{"status":"DOWN"}');
    }
    // The caller allowed to see details sees why, with credentials scrubbed and no stack trace.
    const detailed = answers.find((a) => a.auth && a.path === '/health/ready')?.answer.body ?? '';
    expect(detailed).toContain('postgres://***');
    expect(detailed).not.toContain('db.internal');
    expect(detailed).toContain('"timedOut":true');
    expect(detailed).toContain('non-Error value');
    expect(detailed).not.toMatch(/\bat .+:\d+:\d+/);

    // SIGTERM with `exit: false`: the process has to end by itself, so nothing may be left behind.
    const signalled = Date.now();
    child.kill('SIGTERM');
    const exit = await exitWithin(child, 5000);
    const down = child.events.find((e) => e.event === 'down');
    console.log(
      `[faults] exited by itself ${exit.at - signalled} ms after SIGTERM, code ${exit.code}; at DOWN: ${JSON.stringify(down)}`,
    );
    expect(exit.code).toBe(0);
    expect(exit.at - signalled).toBeLessThan(3000);
    expect(down).toMatchObject({ signalListeners: 0, uncaughtListeners: 0 });
    expect(child.events.filter((e) => e.event === 'unhandled-rejection')).toEqual([]);
    expect(child.stderr).not.toContain(SECRET);
    expect(states(child)).toEqual(['STARTING->UP', 'UP->STOPPING', 'STOPPING->DOWN']);
  });
});

describe('shutdown faults with real signals', () => {
  it('a hanging shutdown hook: shutdown ends within its bound, exits 1 and says which hook hung', async () => {
    const child = await start({ SCENARIO: 'hanging-hook', EXIT: '1' });
    const signalled = Date.now();
    child.kill('SIGTERM');
    const exit = await exitWithin(child, 5000);
    const took = exit.at - signalled;
    console.log(
      `[faults] hanging hook: exit code ${exit.code} after ${took} ms (hookTimeout 500 ms)`,
    );
    expect(exit.code).toBe(1);
    expect(took).toBeGreaterThanOrEqual(450);
    expect(took).toBeLessThan(2500);
    expect(child.stderr).toMatch(
      /hook "hangs-forever" did not finish within the 500 ms hook timeout/,
    );
    expect(child.events.some((e) => e.event === 'hook-ran')).toBe(false);
  });

  it('SIGTERM while STARTING: never becomes UP, drains, exits 0', async () => {
    const child = await start({
      SCENARIO: 'plain',
      STARTUP_DELAY_MS: '400',
      DRAIN_DELAY_MS: '1200',
      EXIT: '1',
    });
    expect((await get(`${child.url}/health/ready`)).status).toBe(503);
    expect((await get(`${child.url}/health/started`)).status).toBe(503);
    expect((await get(`${child.url}/health/live`)).status).toBe(200);
    const signalled = Date.now();
    child.kill('SIGTERM');
    // The app's warm-up finishes during the drain: markReady() must not bring the service back.
    const marked = await child.waitForEvent((e) => e.event === 'mark-ready');
    expect(marked.accepted).toBe(false);
    const during = await Promise.all(
      ['/health/ready', '/health/live', '/app/ok'].map((p) => get(child.url + p)),
    );
    expect(during.map((a) => a.status)).toEqual([503, 200, 200]);
    expect(during.every((a) => a.headers.connection === 'close')).toBe(true);
    const exit = await exitWithin(child, 5000);
    console.log(
      `[faults] SIGTERM while STARTING: states ${states(child).join(', ')}; exit ${exit.code} after ${exit.at - signalled} ms`,
    );
    expect(exit.code).toBe(0);
    expect(exit.at - signalled).toBeGreaterThanOrEqual(1150);
    expect(states(child)).toEqual(['STARTING->STOPPING', 'STOPPING->DOWN']);
  });

  it('a second SIGTERM (and a SIGINT) during shutdown are ignored: in-flight work finishes, one clean exit', async () => {
    const child = await start({ SCENARIO: 'plain', DRAIN_DELAY_MS: '800', EXIT: '1' });
    const inFlight = get(`${child.url}/app/slow?ms=1500`);
    await sleep(100);
    const signalled = Date.now();
    child.kill('SIGTERM');
    await sleep(200);
    child.kill('SIGTERM');
    await sleep(100);
    child.kill('SIGINT');
    await sleep(100);
    expect(child.process.exitCode).toBeNull();
    expect((await get(`${child.url}/health/live`)).status).toBe(200);
    const slow = await inFlight;
    expect([slow.status, slow.body]).toEqual([200, 'slow']);
    const exit = await exitWithin(child, 5000);
    console.log(
      `[faults] second SIGTERM + SIGINT ignored; in-flight request answered; exit ${exit.code} after ${exit.at - signalled} ms`,
    );
    expect(exit.code).toBe(0);
    expect(child.stderr).toMatch(/SIGTERM received while already shutting down; ignoring it/);
    expect(child.stderr).toMatch(/SIGINT received while already shutting down; ignoring it/);
    expect(states(child)).toEqual(['STARTING->UP', 'UP->STOPPING', 'STOPPING->DOWN']);
  });

  it('an uncaught exception with trapUncaughtErrors: ERRORED (500 everywhere), still serving, shuts down on SIGTERM', async () => {
    const child = await start({ SCENARIO: 'uncaught', EXIT: '1' });
    expect((await get(`${child.url}/health/ready`)).status).toBe(200);
    expect((await get(`${child.url}/app/crash`)).status).toBe(202);
    await child.waitForEvent((e) => e.event === 'state' && e.to === 'ERRORED');
    const probes = await Promise.all(
      ['/health/ready', '/health/live', '/health', '/health/started'].map((p) =>
        get(child.url + p),
      ),
    );
    expect(probes.map((a) => a.status)).toEqual([500, 500, 500, 500]);
    for (const probe of probes) expect(probe.body).toBe('{"status":"DOWN"}');
    expect((await get(`${child.url}/app/ok`)).body).toBe('ok');
    expect(child.stderr).toMatch(/uncaught exception; state is now ERRORED/);
    child.kill('SIGTERM');
    const exit = await exitWithin(child, 5000);
    console.log(
      `[faults] uncaught exception trapped: probes ${probes.map((a) => a.status).join('/')}; exit code ${exit.code}`,
    );
    // A process that ERRORED exits non-zero even after a graceful shutdown, so the platform
    // records a failure (its liveness 500s already had it replaced).
    expect(exit.code).toBe(1);
    expect(states(child)).toEqual([
      'STARTING->UP',
      'UP->ERRORED',
      'ERRORED->STOPPING',
      'STOPPING->DOWN',
    ]);
  });

  it('without trapUncaughtErrors an uncaught exception crashes the process as Node does (opt-in only)', async () => {
    const child = await start({ SCENARIO: 'uncaught-untrapped', EXIT: '1' });
    await get(`${child.url}/app/crash`);
    const exit = await exitWithin(child, 5000);
    expect(exit.code).toBe(1);
    expect(child.stderr).toMatch(/worker crashed/);
  });
});
